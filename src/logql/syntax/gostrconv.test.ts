import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatGoFloatF,
  formatGoFloatFixed6,
  formatGoFloatV,
  goQuote,
  goQuoteRune,
  goUnquote,
  parseGoFloat,
  parseGoInt,
} from './gostrconv.js';

describe('Go string conversions', () => {
  it('quotes like strconv.Quote', () => {
    assert.equal(goQuote('plain'), '"plain"');
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote('tab\tnl\n\x01\x7f'), '"tab\\tnl\\n\\x01\\x7f"');
    assert.equal(goQuote('é 界 😀'), '"é 界 😀"');
    assert.equal(goQuote('nbsp\u00a0zwsp\u200b'), '"nbsp\\u00a0zwsp\\u200b"');
    assert.equal(goQuoteRune(0x65), "'e'");
  });

  it('unquotes like Prometheus strutil.Unquote', () => {
    assert.equal(goUnquote('"a\\tb\\u00e9\\x41\\101"'), 'a\tbéAA');
    assert.equal(goUnquote("'it\\'s'"), "it's");
    assert.equal(goUnquote('`raw\\n`'), 'raw\\n');
    assert.equal(goUnquote('"\\xc3\\xa9"'), 'é');
    assert.equal(goUnquote('"\\q"'), null);
    assert.equal(goUnquote('"\\400"'), null);
    assert.equal(goUnquote('"a'), null);
  });
});

describe('Go number conversions', () => {
  it('prints floats with %v', () => {
    assert.equal(formatGoFloatV(0.5), '0.5');
    assert.equal(formatGoFloatV(100000), '100000');
    assert.equal(formatGoFloatV(1e6), '1e+06');
    assert.equal(formatGoFloatV(1234567), '1.234567e+06');
    assert.equal(formatGoFloatV(0.0001), '0.0001');
    assert.equal(formatGoFloatV(0.00001), '1e-05');
    assert.equal(formatGoFloatV(2 ** 64), '1.8446744073709552e+19');
    assert.equal(formatGoFloatV(Number.NaN), 'NaN');
    assert.equal(formatGoFloatV(Number.NEGATIVE_INFINITY), '-Inf');
  });

  it('prints floats with FormatFloat(f, -1) and %f', () => {
    assert.equal(formatGoFloatF(1e21), '1000000000000000000000');
    assert.equal(formatGoFloatF(1e-7), '0.0000001');
    assert.equal(formatGoFloatF(-2.5), '-2.5');
    assert.equal(formatGoFloatFixed6(1), '1.000000');
    assert.equal(formatGoFloatFixed6(1e21), '1000000000000000000000.000000');
  });

  it('parses floats like strconv.ParseFloat', () => {
    assert.deepEqual(parseGoFloat('1.5e3'), { ok: true, value: 1500 });
    assert.deepEqual(parseGoFloat('0755'), { ok: true, value: 755 });
    assert.deepEqual(parseGoFloat('1_000'), { ok: true, value: 1000 });
    assert.deepEqual(parseGoFloat('0x1p-2'), { ok: true, value: 0.25 });
    assert.deepEqual(parseGoFloat('0x10'), {
      ok: false,
      error: 'strconv.ParseFloat: parsing "0x10": invalid syntax',
    });
    assert.deepEqual(parseGoFloat('1e999'), {
      ok: false,
      error: 'strconv.ParseFloat: parsing "1e999": value out of range',
    });
  });

  it('parses integers like strconv.Atoi', () => {
    assert.equal(parseGoInt('10'), 10);
    assert.equal(parseGoInt('-3'), -3);
    assert.equal(parseGoInt('1.0'), null);
    assert.equal(parseGoInt('99999999999999999999'), null);
  });
});
