import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFloat, parseFloat64, parseInt64, parseUint, quote, quoteToASCII, unquote } from './strconv.js';

describe('formatFloat', () => {
  const cases: Array<[number, string, number, string]> = [
    [1e21, 'g', -1, '1e+21'],
    [123456789, 'g', -1, '1.23456789e+08'],
    [100000, 'g', -1, '100000'],
    [0.0001, 'g', -1, '0.0001'],
    [0.00001, 'g', -1, '1e-05'],
    [0, 'e', -1, '0e+00'],
    [-0, 'g', -1, '-0'],
    [2.5, 'f', 0, '2'],
    [3.5, 'f', 0, '4'],
    [1.005, 'f', 2, '1.00'],
    [1 / 3, 'g', 5, '0.33333'],
    [100, 'g', 2, '1e+02'],
    [5e-324, 'g', -1, '5e-324'],
    [1.7976931348623157e308, 'e', 3, '1.798e+308'],
    [1.5, 'x', -1, '0x1.8p+00'],
    [1234.5678, 'e', 2, '1.23e+03'],
    [0.5, 'f', 3, '0.500'],
    [Number.NaN, 'g', -1, 'NaN'],
    [Number.POSITIVE_INFINITY, 'f', 2, '+Inf'],
  ];
  for (const [x, fmt, prec, want] of cases) {
    it(`formats ${x} with '${fmt}' precision ${prec} as ${want}`, () => assert.equal(formatFloat(x, fmt, prec), want));
  }
});

describe('Go literal parsing', () => {
  it('unquotes interpreted, raw and rune literals', () => {
    assert.equal(unquote('"a\\tb\\u00e9\\x41"'), 'a\tbéA');
    assert.equal(unquote('`a\\n\rb`'), 'a\\nb');
    assert.equal(unquote("'\\''"), "'");
    assert.throws(() => unquote('"\\q"'), { message: 'invalid syntax' });
    assert.throws(() => unquote("'ab'"), { message: 'invalid syntax' });
  });

  it('parses integers with base prefixes and underscores', () => {
    assert.deepEqual(parseInt64('0x1F'), { ok: true, value: 31n });
    assert.deepEqual(parseInt64('017'), { ok: true, value: 15n });
    assert.deepEqual(parseInt64('-1_000'), { ok: true, value: -1000n });
    assert.deepEqual(parseInt64('1__0'), { ok: false, range: false });
    assert.deepEqual(parseInt64('9223372036854775808'), { ok: false, range: true });
    assert.deepEqual(parseUint('-1'), { ok: false, range: false });
  });

  it('parses floats as Go does', () => {
    assert.deepEqual(parseFloat64('1_000.5'), { ok: true, value: 1000.5 });
    assert.deepEqual(parseFloat64('0x1p-2'), { ok: true, value: 0.25 });
    assert.deepEqual(parseFloat64('1e400'), { ok: false, range: true });
    assert.deepEqual(parseFloat64('1e'), { ok: false, range: false });
    assert.deepEqual(parseFloat64('-Inf'), { ok: true, value: Number.NEGATIVE_INFINITY });
  });

  it('quotes with Go escapes', () => {
    assert.equal(quote('a"b\n\u0001é\u2028'), '"a\\"b\\n\\x01é\\u2028"');
    assert.equal(quoteToASCII('é😀'), '"\\u00e9\\U0001f600"');
  });
});
