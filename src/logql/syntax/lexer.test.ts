import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParseError } from './errors.js';
import { Lexer, positionOf, type Token } from './lexer.js';
import { Tok, tokenDisplayName } from './tokens.js';

function tokens(query: string): Token[] {
  const lexer = new Lexer(query);
  const out: Token[] = [];
  for (;;) {
    const t = lexer.next();
    if (t.kind === Tok.EOF) return out;
    out.push(t);
  }
}

function names(query: string): string[] {
  return tokens(query).map((t) => tokenDisplayName(t.kind));
}

function lexError(query: string): string {
  try {
    tokens(query);
  } catch (err) {
    assert.ok(err instanceof ParseError);
    return err.message;
  }
  assert.fail(`no error for ${query}`);
}

describe('LogQL lexer', () => {
  it('reads selectors, filters and pipes', () => {
    assert.deepEqual(names('{foo="bar"} |~ `\\w+` | json'), [
      '{',
      'IDENTIFIER',
      '=',
      'STRING',
      '}',
      '|~',
      'STRING',
      '|',
      'json',
    ]);
  });

  it('unquotes Go strings and keeps raw strings verbatim', () => {
    const [a, b] = tokens('"a\\tb\\u00e9" `c\\d`');
    assert.equal(a.text, 'a\tbé');
    assert.equal(b.text, 'c\\d');
  });

  it('treats function names as keywords only when a call follows', () => {
    assert.deepEqual(names('rate( rate sum by (a) ( sum without(x)'), [
      'RATE',
      '(',
      'IDENTIFIER',
      'SUM',
      'by',
      '(',
      'IDENTIFIER',
      ')',
      '(',
      'SUM',
      'without',
      '(',
      'IDENTIFIER',
      ')',
    ]);
    assert.deepEqual(names('| unwrap bytes(x) | unwrap bytes'), [
      '|',
      'unwrap',
      'BYTES_CONV',
      '(',
      'IDENTIFIER',
      ')',
      '|',
      'unwrap',
      'IDENTIFIER',
    ]);
  });

  it('matches keywords case-insensitively', () => {
    assert.deepEqual(names('SUM(x) BY (a) Json OR'), [
      'SUM',
      '(',
      'IDENTIFIER',
      ')',
      'by',
      '(',
      'IDENTIFIER',
      ')',
      'json',
      'or',
    ]);
  });

  it('reads durations, byte sizes and numbers', () => {
    const [d, b, n, f, neg] = tokens('1h30m 20MB 42 1.5e3 -5m');
    assert.equal(d.kind, Tok.DURATION);
    assert.equal(d.ns, 5_400_000_000_000n);
    assert.equal(b.kind, Tok.BYTES);
    assert.equal(b.bytes, 20_000_000);
    assert.equal(n.kind, Tok.NUMBER);
    assert.equal(f.text, '1.5e3');
    assert.equal(neg.kind, Tok.DURATION);
    assert.equal(neg.ns, -300_000_000_000n);
  });

  it('prefers durations to byte sizes (5m is five minutes, 5M five megabytes)', () => {
    const [m, mb] = tokens('5m 5M');
    assert.equal(m.kind, Tok.DURATION);
    assert.equal(mb.kind, Tok.BYTES);
    assert.equal(mb.bytes, 5_000_000);
  });

  it('reads a minus before a number as an operator', () => {
    assert.deepEqual(names('x>-1'), ['IDENTIFIER', '>', '-', 'NUMBER']);
  });

  it('reads logfmt flags', () => {
    const [strict, keep, other] = tokens('--strict --keep-empty --other');
    assert.equal(strict.kind, Tok.FUNCTION_FLAG);
    assert.equal(keep.text, '--keep-empty');
    assert.equal(other.kind, Tok.SUB);
  });

  it('reads ranges with Prometheus durations', () => {
    const [r] = tokens('[1d2h]');
    assert.equal(r.kind, Tok.RANGE);
    assert.equal(r.ns, 93_600_000_000_000n);
  });

  it('turns stray characters into identifiers, as Loki does', () => {
    assert.deepEqual(names("! @ 'x'"), ['IDENTIFIER', 'IDENTIFIER', 'IDENTIFIER']);
  });

  it('skips #, // and /* */ comments', () => {
    assert.deepEqual(names('a # b\n/* c */ d // e'), ['IDENTIFIER', 'IDENTIFIER']);
  });

  it('forgets the line of tokens completed character by character, like Loki', () => {
    const [, , pipeEq, str] = tokens('{}\n |= "x"');
    assert.equal(pipeEq.lineKnown, false);
    assert.equal(str.lineKnown, true);
  });

  it('reports Go scanner errors at the token start', () => {
    assert.equal(lexError('{foo="bar}'), 'parse error at line 1, col 6: literal not terminated');
    assert.equal(lexError('{foo="\\q"}'), 'parse error at line 1, col 6: invalid char escape');
    assert.equal(lexError('x > 09'), "parse error at line 1, col 5: invalid digit '9' in octal literal");
  });

  it('reports range errors with line 0, as Loki does', () => {
    assert.equal(
      lexError('x[5minutes]'),
      'parse error at line 0, col 2: unknown unit "minutes" in duration "5minutes"',
    );
    assert.equal(lexError('x[5m'), "parse error at line 0, col 2: missing closing ']' in duration");
  });

  it('counts columns in characters, not bytes or UTF-16 units', () => {
    assert.deepEqual(positionOf('é😀\nab', 5), { line: 2, col: 2 });
    assert.deepEqual(positionOf('é😀x', 3), { line: 1, col: 3 });
  });
});
