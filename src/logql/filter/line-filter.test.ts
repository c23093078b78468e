import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { RegexpSyntaxError } from '../../util/regexp.js';
import { IP_INVALID_OPERATION, LineFilterError } from './errors.js';
import { IpPatternError } from './ip.js';
import { compileLineFilter } from './line-filter.js';
import { makeBlock, selectAll } from './test-blocks.js';
import type { LineFilterOp, LineFilterSpec, LineFilterValue } from './types.js';

const TOKEN = /\s*(\|=|!=|\|~|!~|\|>|!>|=>|or\b|true\b|false\b|ip\("(?:[^"\\]|\\.)*"\)|"(?:[^"\\]|\\.)*")/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`cannot read fixture at ${at}: ${text}`);
    tokens.push(m[1]!);
    if (TOKEN.lastIndex >= text.trimEnd().length) break;
  }
  return tokens;
}

function value(token: string): LineFilterValue {
  if (token.startsWith('ip(')) return { type: 'ip', value: JSON.parse(token.slice(3, -1)) as string };
  return { type: 'string', value: JSON.parse(token) as string };
}

/** Reads `op value [or value]... rest...` and returns the spec and the remaining tokens. */
function readSpec(tokens: string[]): { spec: LineFilterSpec; rest: string[] } {
  const op = tokens[0] as LineFilterOp;
  const values = [value(tokens[1]!)];
  let i = 2;
  while (tokens[i] === 'or') {
    values.push(value(tokens[i + 1]!));
    i += 2;
  }
  return { spec: { op, values }, rest: tokens.slice(i) };
}

function fixtureLines(name: string): string[] {
  return readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

function describeSpec(spec: LineFilterSpec): string {
  return `${spec.op} ${spec.values.map((v) => (v.type === 'ip' ? `ip(${JSON.stringify(v.value)})` : JSON.stringify(v.value))).join(' or ')}`;
}

// Lines around the one under test, chosen to tempt matches across line boundaries.
const NEIGHBOURS = ['fo', 'o foo 10.0.0', 'ERR', 'or 1.2.3.4', '', 'x'];

describe('line filter fixtures (testdata/line-filters.txt)', () => {
  for (const fixture of fixtureLines('line-filters.txt')) {
    const { spec, rest } = readSpec(tokenize(fixture));
    const line = JSON.parse(rest[0]!) as string;
    assert.equal(rest[1], '=>', fixture);
    const expected = rest[2] === 'true';
    it(`${describeSpec(spec)} on ${JSON.stringify(line)} is ${expected}`, () => {
      const filter = compileLineFilter(spec);
      assert.equal(filter.matchString(line), expected, 'matchString');
      const bytes = Buffer.from(line);
      assert.equal(filter.matchBytes(bytes, 0, bytes.length), expected, 'matchBytes');
      const padded = Buffer.concat([Buffer.from('foo 1.2.3.4 '), bytes, Buffer.from(' foo 1.2.3.4')]);
      assert.equal(filter.matchBytes(padded, 12, 12 + bytes.length), expected, 'matchBytes inside a larger buffer');
      const block = makeBlock([...NEIGHBOURS, line, ...NEIGHBOURS]);
      const target = NEIGHBOURS.length;
      const out = new Uint32Array(block.count);
      const n = filter.filterBlock(block.lines, block.offsets, selectAll(block.count), block.count, out);
      assert.equal(Array.from(out.subarray(0, n)).includes(target), expected, 'filterBlock, all lines selected');
      const only = Uint32Array.of(target);
      assert.equal(
        filter.filterBlock(block.lines, block.offsets, only, 1, only),
        expected ? 1 : 0,
        'filterBlock, one line',
      );
    });
  }
});

describe('rejected line filters (testdata/errors.txt)', () => {
  for (const fixture of fixtureLines('errors.txt')) {
    const { spec, rest } = readSpec(tokenize(fixture));
    const message = JSON.parse(rest[1]!) as string;
    it(`${describeSpec(spec)} fails with ${JSON.stringify(message)}`, () => {
      assert.throws(
        () => compileLineFilter(spec),
        (err: unknown) => {
          assert.ok(
            err instanceof RegexpSyntaxError || err instanceof IpPatternError || err instanceof LineFilterError,
            String(err),
          );
          assert.equal(err.message, message);
          return true;
        },
      );
    });
  }
});

describe('compileLineFilter', () => {
  const lines = ['GET /a 200', 'GET /b 500', 'POST /c 200', '', 'error: GET failed', 'get lowercase'];
  const block = makeBlock(lines);
  const run = (spec: LineFilterSpec, sel = selectAll(block.count)): number[] => {
    const out = new Uint32Array(block.count);
    const n = compileLineFilter(spec).filterBlock(block.lines, block.offsets, sel, sel.length, out);
    return Array.from(out.subarray(0, n));
  };
  const str = (op: LineFilterOp, ...values: string[]): LineFilterSpec => ({
    op,
    values: values.map((v) => ({ type: 'string', value: v })),
  });

  it('keeps only selected lines and writes them in order', () => {
    assert.deepEqual(run(str('|=', 'GET')), [0, 1, 4]);
    assert.deepEqual(run(str('|=', 'GET'), Uint32Array.of(1, 2, 4)), [1, 4]);
    assert.deepEqual(run(str('!=', 'GET'), Uint32Array.of(1, 2, 3, 5)), [2, 3, 5]);
  });

  it('filters in place when out is the selection', () => {
    const sel = selectAll(block.count);
    const n = compileLineFilter(str('!~', '(?i)get')).filterBlock(block.lines, block.offsets, sel, sel.length, sel);
    assert.deepEqual(Array.from(sel.subarray(0, n)), [2, 3]);
  });

  it('returns nothing for an empty selection', () => {
    assert.deepEqual(run(str('|=', ''), new Uint32Array(0)), []);
  });

  it('treats `or` as any for positive operators and as none for negative ones', () => {
    assert.deepEqual(run(str('|=', '500', 'POST')), [1, 2]);
    assert.deepEqual(run(str('!=', '500', 'POST')), [0, 3, 4, 5]);
    assert.deepEqual(run(str('|~', '5\\d\\d', '^POST')), [1, 2]);
    assert.deepEqual(run(str('!~', '5\\d\\d', '^POST')), [0, 3, 4, 5]);
  });

  it('describes how it runs', () => {
    assert.equal(
      compileLineFilter(str('|~', '(?i)(error|fail)')).describe(),
      'anyOf(containsFold("error"), containsFold("fail"))',
    );
    assert.equal(compileLineFilter(str('!=', 'a', 'b')).describe(), 'not(anyOf(contains("a"), contains("b")))');
    assert.equal(compileLineFilter(str('|=', '')).describe(), 'everything');
  });

  it('reports filters that keep everything or nothing', () => {
    assert.equal(compileLineFilter(str('|=', '')).hints.constant, 'all');
    assert.equal(compileLineFilter(str('!~', '.*')).hints.constant, 'none');
    assert.equal(compileLineFilter(str('|=', 'a', '')).hints.constant, 'all');
    assert.equal(compileLineFilter(str('|=', 'a')).hints.constant, null);
  });

  it('reports the literals that decide whole blocks', () => {
    const positive = compileLineFilter(str('|~', 'Failed password for (invalid user )?\\w+'));
    assert.deepEqual(positive.hints.literals, {
      anyOf: [{ text: 'Failed password for ', bytes: Buffer.from('Failed password for '), caseInsensitive: false }],
      absentMeans: 'none',
    });
    const negative = compileLineFilter(str('!~', '(?i)Error|warn'));
    assert.deepEqual(
      negative.hints.literals?.anyOf.map((l) => [l.bytes.toString(), l.caseInsensitive]),
      [
        ['error', true],
        ['warn', true],
      ],
    );
    assert.equal(negative.hints.literals?.absentMeans, 'all');
    assert.equal(compileLineFilter(str('|~', '\\d+')).hints.literals, null);
    assert.equal(
      compileLineFilter({ op: '|=', values: [{ type: 'ip', value: '10.1.0.0/16' }] }).hints.literals?.anyOf[0]?.text,
      '10.1.',
    );
  });

  it('decides whole texts from those literals', () => {
    const text = Buffer.from('line one\nline two\n');
    assert.equal(compileLineFilter(str('|=', 'three')).mayPassAnyLine(text), false);
    assert.equal(compileLineFilter(str('|=', 'two')).mayPassAnyLine(text), true);
    assert.equal(compileLineFilter(str('|~', '(?i)LINE')).mayPassAnyLine(text), true);
    assert.equal(compileLineFilter(str('|~', '(?i)KEY')).mayPassAnyLine(Buffer.from('\u212aey')), true);
    assert.equal(compileLineFilter(str('|~', '\\d')).mayPassAnyLine(text), true);
    assert.equal(compileLineFilter(str('!=', 'three')).passesEveryLine(text), true);
    assert.equal(compileLineFilter(str('!=', 'two')).passesEveryLine(text), false);
    assert.equal(compileLineFilter(str('|=', 'two')).passesEveryLine(text), false);
    assert.equal(compileLineFilter(str('!=', '')).mayPassAnyLine(text), false);
  });

  it('rejects ip() under regexp and pattern operators', () => {
    assert.throws(
      () => compileLineFilter({ op: '!~', values: [{ type: 'ip', value: '1.2.3.4' }] }),
      new LineFilterError(IP_INVALID_OPERATION),
    );
  });
});
