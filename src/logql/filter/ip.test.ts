import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileIpMatcher, compileIpPattern, IpPatternError } from './ip.js';
import { IPV4, IPV6, IPV6_ZONED, NOT_AN_ADDRESS, parseAddr } from './ip-addr.js';
import { loghubLines } from './test-blocks.js';

function parse(text: string): [number, string] {
  const out = new Uint16Array(8);
  const family = parseAddr(Buffer.from(text), 0, Buffer.byteLength(text), out);
  return [family, Array.from(out, (w) => w.toString(16)).join(':')];
}

describe('parseAddr follows Go netip.ParseAddr', () => {
  it('accepts dotted decimal IPv4', () => {
    assert.deepEqual(parse('192.168.0.1'), [IPV4, '0:0:0:0:0:0:c0a8:1']);
    assert.deepEqual(parse('0.0.0.0'), [IPV4, '0:0:0:0:0:0:0:0']);
    assert.deepEqual(parse('255.255.255.255'), [IPV4, '0:0:0:0:0:0:ffff:ffff']);
  });

  it('rejects malformed IPv4', () => {
    for (const bad of [
      '01.2.3.4',
      '1.2.3',
      '1.2.3.4.5',
      '1..2.3',
      '.1.2.3',
      '1.2.3.',
      '256.1.1.1',
      '1.2.3.4a',
      '1.2.3.-4',
    ]) {
      assert.equal(parse(bad)[0], NOT_AN_ADDRESS, bad);
    }
  });

  it('accepts IPv6 forms', () => {
    assert.deepEqual(parse('::'), [IPV6, '0:0:0:0:0:0:0:0']);
    assert.deepEqual(parse('::1'), [IPV6, '0:0:0:0:0:0:0:1']);
    assert.deepEqual(parse('1::'), [IPV6, '1:0:0:0:0:0:0:0']);
    assert.deepEqual(parse('2001:DB8::a:1'), [IPV6, '2001:db8:0:0:0:0:a:1']);
    assert.deepEqual(parse('1:2:3:4:5:6:7:8'), [IPV6, '1:2:3:4:5:6:7:8']);
    assert.deepEqual(parse('::ffff:1.2.3.4'), [IPV6, '0:0:0:0:0:ffff:102:304']);
    assert.deepEqual(parse('1:2:3:4:5:6:1.2.3.4'), [IPV6, '1:2:3:4:5:6:102:304']);
    assert.deepEqual(parse('fe80::1%eth0'), [IPV6_ZONED, 'fe80:0:0:0:0:0:0:1']);
  });

  it('rejects malformed IPv6', () => {
    for (const bad of [
      ':',
      ':::',
      '1:2',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      '1:2:3:4:5:6:7::8',
      '12345::',
      '00001::',
      '::1.2.3',
      '1:2:3:4:5:1.2.3.4',
      '1:2:3:4:5:6:7:1.2.3.4',
      '1:',
      'fe80::1%',
      '%eth0',
      'g::1',
    ]) {
      assert.equal(parse(bad)[0], NOT_AN_ADDRESS, bad);
    }
  });
});

/** Loki's scan, ported line for line, as the reference for the optimised one. */
function referenceScan(line: Buffer, contains: (text: Buffer) => boolean): boolean {
  const n = line.length;
  const at = (i: number): number => (i < n ? line[i]! : 0);
  const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
  const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
  const span = (start: number, charset: string): number => {
    let i = start;
    while (i < n && charset.includes(String.fromCharCode(line[i]!))) i++;
    return i - start;
  };
  for (let i = 0; i < n; i++) {
    if (i + 3 < n && isDigit(line[i]!) && (line[i + 1] === 0x2e || line[i + 2] === 0x2e || line[i + 3] === 0x2e)) {
      const len = span(i, '0123456789.');
      if (contains(line.subarray(i, i + len))) return true;
      i += len;
      continue;
    }
    const c = [at(i), at(i + 1), at(i + 2), at(i + 3), at(i + 4)];
    const colon = 0x3a;
    const hint =
      (c[0] === colon && c[1] === colon && isHex(c[2]!)) ||
      (isHex(c[0]!) && c[1] === colon) ||
      (isHex(c[0]!) && isHex(c[1]!) && c[2] === colon) ||
      (isHex(c[0]!) && isHex(c[1]!) && isHex(c[2]!) && c[3] === colon) ||
      (isHex(c[0]!) && isHex(c[1]!) && isHex(c[2]!) && isHex(c[3]!) && c[4] === colon);
    if (hint) {
      const len = span(i, '0123456789abcdefABCDEF:.');
      if (contains(line.subarray(i, i + len))) return true;
      i += len;
    }
  }
  return false;
}

describe('the ip() line scan', () => {
  const patterns = [
    '10.0.0.0/8',
    '1.2.3.4',
    '0.0.0.0/0',
    '::/0',
    '2001:db8::/32',
    '::1',
    '1.2.3.0-1.2.3.9',
    '::ffff:0:0/96',
  ];
  const exact = (pattern: string) => {
    const matcher = compileIpMatcher(pattern);
    // A stretch is inside the pattern iff the stretch alone, as a whole, is.
    return (text: Buffer): boolean => {
      const [family] = parse(text.toString('latin1'));
      return family !== NOT_AN_ADDRESS && matcher.matchesLineBytes(text, 0, text.length);
    };
  };

  it('agrees with a line-for-line port of Loki on random text', () => {
    const alphabet = '0123456789abcdefABCDEF:.. x-/%:.1';
    let state = 12345;
    const random = (): number => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state;
    };
    for (const pattern of patterns) {
      const matcher = compileIpMatcher(pattern);
      const contains = exact(pattern);
      for (let k = 0; k < 3000; k++) {
        const len = random() % 40;
        let s = '';
        for (let j = 0; j < len; j++) s += alphabet[random() % alphabet.length];
        const line = Buffer.from(s, 'latin1');
        assert.equal(
          matcher.matchesLineBytes(line, 0, line.length),
          referenceScan(line, contains),
          `${pattern} on ${s}`,
        );
      }
    }
  });

  it('agrees with a line-for-line port of Loki on real logs', (t) => {
    const lines = loghubLines();
    for (const pattern of ['10.0.0.0/8', '173.234.31.186', '0.0.0.0/0', '::/0']) {
      const matcher = compileIpMatcher(pattern);
      const contains = exact(pattern);
      let hits = 0;
      for (const text of lines) {
        const line: Buffer = Buffer.from(text);
        const got: boolean = matcher.matchesLineBytes(line, 0, line.length);
        assert.equal(got, referenceScan(line, contains), `${pattern} on ${text}`);
        if (got) hits++;
      }
      t.diagnostic(`${pattern}: ${hits} lines`);
    }
  });

  it('only looks inside the given range of a buffer', () => {
    const buf = Buffer.from('10.0.0.1 | x | 10.0.0.2');
    const matcher = compileIpMatcher('10.0.0.0/8');
    assert.equal(matcher.matchesLineBytes(buf, 9, 14), false);
    assert.equal(matcher.matchesLineBytes(buf, 0, 8), true);
    // Cut short, "10.0.0.2" becomes "10.0.0.", which is no address.
    assert.equal(matcher.matchesLineBytes(buf, 15, buf.length - 1), false);
  });
});

describe('compileIpMatcher', () => {
  it('matches single addresses, prefixes and ranges of both families', () => {
    const cases: Array<[string, string, boolean]> = [
      ['192.168.0.1', '192.168.0.1', true],
      ['192.168.0.1', '192.168.0.2', false],
      ['192.168.0.0/16', '192.168.200.7', true],
      ['192.168.0.0/16', '192.169.0.1', false],
      ['192.168.0.1/32', '192.168.0.1', true],
      ['10.0.0.0/7', '11.255.0.1', true],
      ['192.168.0.250-192.168.1.5', '192.168.1.0', true],
      ['192.168.0.250-192.168.1.5', '192.168.1.6', false],
      ['2001:db8::1', '2001:0db8:0000::0001', true],
      ['2001:db8::/48', '2001:db8:0:ffff::1', true],
      ['2001:db8::/48', '2001:db8:1::1', false],
      ['2001:db8::/127', '2001:db8::1', true],
      ['2001:db8::/127', '2001:db8::2', false],
      ['::1-::ff', '::80', true],
      ['::1-::ff', '::100', false],
      // Zones are dropped from range ends...
      ['fe80::1-fe80::9%eth0', 'fe80::5', true],
      // ...but this one parses first as a single address, zone "eth0-fe80::9".
      ['fe80::1%eth0-fe80::9', 'fe80::5', false],
      ['::ffff:10.0.0.0/104', '::ffff:10.1.2.3', true],
      ['::ffff:10.0.0.0/104', '10.1.2.3', false],
      ['10.0.0.0/8', '::ffff:10.1.2.3', false],
    ];
    for (const [pattern, addr, expected] of cases) {
      assert.equal(compileIpMatcher(pattern).matchesAddr(addr), expected, `${pattern} vs ${addr}`);
    }
  });

  it('gives label values the line scan, as Loki does', () => {
    const matcher = compileIpMatcher('10.0.0.0/8');
    assert.equal(matcher.matchesAddr('10.0.0.1:8080'), true);
    assert.equal(matcher.matchesAddr('client=10.0.0.1'), true);
    assert.equal(matcher.matchesAddr(''), false);
    assert.equal(matcher.matchesLineString('from 10.9.9.9 to x'), true);
    assert.equal(matcher.matchesLineString('日本 10.9.9.9'), true);
  });

  it("rejects invalid patterns with Loki's message", () => {
    for (const bad of [
      '',
      'foo',
      '1.2.3.4/',
      '1.2.3.4/-1',
      '1.2.3.4/ 8',
      ' 1.2.3.4',
      '1.2.3.4-',
      '1.2.3.9-1.2.3.1',
      '::1-1.2.3.4',
    ]) {
      assert.throws(
        () => compileIpMatcher(bad),
        (err: unknown) =>
          err instanceof IpPatternError && err.message === `ip: invalid pattern: ${JSON.stringify(bad)}`,
        bad,
      );
    }
    assert.throws(() => compileIpMatcher('a\u00a0b'), { message: 'ip: invalid pattern: "a\\u00a0b"' });
  });

  it('knows the octets every matching IPv4 address spells out', () => {
    assert.equal(compileIpPattern('10.0.0.0/8').requiredText, '10.');
    assert.equal(compileIpPattern('10.1.0.0/17').requiredText, '10.1.');
    assert.equal(compileIpPattern('10.1.2.3').requiredText, '10.1.2.3');
    assert.equal(compileIpPattern('10.1.2.0-10.1.3.0').requiredText, '10.1.');
    assert.equal(compileIpPattern('0.0.0.0/7').requiredText, null);
    assert.equal(compileIpPattern('::1').requiredText, null);
  });
});
