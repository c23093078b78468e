import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anyValueAsString, compareCodePoints, formatDouble, jsonString } from './any-value.js';
import { EMPTY_VALUE } from './model.js';
import { arr, bool, bytes, dbl, int, kvlist, str } from './test-otlp-wire.js';

describe('anyValueAsString', () => {
  it('renders scalars as text', () => {
    assert.equal(anyValueAsString(EMPTY_VALUE), '');
    assert.equal(anyValueAsString(str('plain <text> & more')), 'plain <text> & more');
    assert.equal(anyValueAsString(bool(true)), 'true');
    assert.equal(anyValueAsString(bool(false)), 'false');
    assert.equal(anyValueAsString(int(-42)), '-42');
  });

  it('keeps every digit of 64-bit integers', () => {
    assert.equal(anyValueAsString(int(9223372036854775807n)), '9223372036854775807');
    assert.equal(anyValueAsString(int(-9223372036854775808n)), '-9223372036854775808');
    assert.equal(anyValueAsString(int(9007199254740993n)), '9007199254740993');
  });

  it('renders doubles as Go does', () => {
    assert.equal(anyValueAsString(dbl(1.5)), '1.5');
    assert.equal(anyValueAsString(dbl(100)), '100');
    assert.equal(anyValueAsString(dbl(0.1 + 0.2)), '0.30000000000000004');
    assert.equal(anyValueAsString(dbl(1e21)), '1e+21');
    assert.equal(anyValueAsString(dbl(123456789012345680000)), '123456789012345680000');
    assert.equal(anyValueAsString(dbl(1e-7)), '1e-7');
    assert.equal(anyValueAsString(dbl(0.000001)), '0.000001');
    assert.equal(anyValueAsString(dbl(-0)), '-0');
    assert.equal(anyValueAsString(dbl(Number.NaN)), 'NaN');
    assert.equal(anyValueAsString(dbl(Number.POSITIVE_INFINITY)), 'Infinity');
    assert.equal(anyValueAsString(dbl(Number.NEGATIVE_INFINITY)), '-Infinity');
  });

  it('renders bytes as standard base64', () => {
    assert.equal(anyValueAsString(bytes([0xff, 0xfe])), '//4=');
    assert.equal(anyValueAsString(bytes([])), '');
  });

  it('renders a map as JSON with sorted keys and no HTML escaping', () => {
    const v = kvlist({
      b: int(1),
      a: str('x<y&z>'),
      c: arr(bool(true), EMPTY_VALUE, dbl(1.5), dbl(-0)),
      d: bytes([1, 2, 3]),
      e: bytes([]),
      f: kvlist({ z: str('deep'), y: kvlist({}) }),
    });
    assert.equal(
      anyValueAsString(v),
      '{"a":"x<y&z>","b":1,"c":[true,null,1.5,-0],"d":"AQID","e":null,"f":{"y":{},"z":"deep"}}',
    );
  });

  it('renders an array as JSON', () => {
    assert.equal(anyValueAsString(arr()), '[]');
    assert.equal(anyValueAsString(arr(str('a'), int(9007199254740993n), kvlist({}))), '["a",9007199254740993,{}]');
  });

  it('keeps the last value of a repeated map key', () => {
    const v = kvlist([
      { key: 'k', value: str('first') },
      { key: 'k', value: str('second') },
    ]);
    assert.equal(anyValueAsString(v), '{"k":"second"}');
  });

  it('renders a map holding NaN or an infinity as the empty string (the Go encoder refuses it)', () => {
    assert.equal(anyValueAsString(kvlist({ ok: str('x'), bad: dbl(Number.NaN) })), '');
    assert.equal(anyValueAsString(arr(dbl(Number.POSITIVE_INFINITY))), '');
  });
});

describe('jsonString', () => {
  it('escapes like Go: control characters, quotes and the line separators', () => {
    assert.equal(jsonString('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(jsonString('\b\f\n\r\t\u0001\u007f'), '"\\b\\f\\n\\r\\t\\u0001\u007f"');
    assert.equal(jsonString('x\u2028y\u2029z'), '"x\\u2028y\\u2029z"');
    assert.equal(jsonString('<&>'), '"<&>"');
  });

  it('turns unpaired surrogates into U+FFFD', () => {
    assert.equal(jsonString('a\ud800b'), '"a\ufffdb"');
    assert.equal(jsonString('\udc00'), '"\ufffd"');
    assert.equal(jsonString('😀'), '"😀"');
  });
});

describe('compareCodePoints', () => {
  it('orders by code point, so supplementary characters sort after the rest of the BMP', () => {
    assert.deepEqual(['😀', '\uffff', 'b', 'a'].sort(compareCodePoints), ['a', 'b', '\uffff', '😀']);
    assert.ok(compareCodePoints('ab', 'abc') < 0);
    assert.equal(compareCodePoints('same', 'same'), 0);
  });
});

describe('formatDouble', () => {
  it('prints the shortest digits that read back as the same double', () => {
    for (const d of [5e-324, 1.7976931348623157e308, 2 ** 53 + 2, 1 / 3]) assert.equal(Number(formatDouble(d)), d);
  });
});
