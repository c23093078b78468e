// Rendering an OTLP AnyValue as text, exactly as Loki does (the collector's
// pdata `Value.AsString`): a log body or attribute value that is not a string
// becomes the line or label value through this. Maps and arrays become Go
// `encoding/json` output without HTML escaping: keys sorted by bytes, a
// repeated key keeping its last value, bytes as base64, empty values as null.
import type { AnyValue, KeyValue } from './model.js';

/** The text form of a value: a log line, a label value or a structured metadata value. */
export function anyValueAsString(v: AnyValue): string {
  switch (v.kind) {
    case 'empty':
      return '';
    case 'string':
      return v.value;
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'int':
      return v.value.toString();
    case 'double':
      return formatDouble(v.value);
    case 'bytes':
      return base64(v.value);
    case 'array':
    case 'kvlist':
      return marshalJSON(v);
  }
}

/**
 * Go's encoder fails on NaN and infinities anywhere inside the value; pdata
 * ignores the error and keeps the empty output, so such a map renders as ''.
 */
class UnsupportedJSONValue extends Error {}

function marshalJSON(v: AnyValue): string {
  try {
    return jsonValue(v);
  } catch (err) {
    if (err instanceof UnsupportedJSONValue) return '';
    throw err;
  }
}

/** A double as Go prints it (ES6 number formatting, but `-0` keeps its sign). */
export function formatDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Number.POSITIVE_INFINITY) return 'Infinity';
  if (d === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (Object.is(d, -0)) return '-0';
  // Go switches to exponent form below 1e-6 and from 1e21, like JavaScript, and
  // trims the exponent's leading zero, so both print the same shortest digits.
  return String(d);
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function jsonValue(v: AnyValue): string {
  switch (v.kind) {
    case 'empty':
      return 'null';
    case 'string':
      return jsonString(v.value);
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'int':
      return v.value.toString();
    case 'double':
      if (!Number.isFinite(v.value)) throw new UnsupportedJSONValue();
      return formatDouble(v.value);
    case 'bytes':
      // pdata copies the bytes into a nil slice first: no bytes marshal as null.
      return v.value.length === 0 ? 'null' : `"${base64(v.value)}"`;
    case 'array':
      return `[${v.values.map(jsonValue).join(',')}]`;
    case 'kvlist':
      return jsonObject(v.values);
  }
}

function jsonObject(pairs: readonly KeyValue[]): string {
  const byKey = new Map<string, AnyValue>();
  for (const kv of pairs) byKey.set(kv.key, kv.value);
  const keys = [...byKey.keys()].sort(compareCodePoints);
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) out += ',';
    out += `${jsonString(keys[i]!)}:${jsonValue(byKey.get(keys[i]!)!)}`;
  }
  return `${out}}`;
}

/** Orders strings by code point, which is the byte order of their UTF-8 (Go's string order). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (supplementary code points) sort after every other BMP unit.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const LINE_SEPARATORS = /[\u2028\u2029]/g;

/** Replaces unpaired UTF-16 surrogates with U+FFFD, as decoding them into Go strings does. */
export function wellFormed(s: string): string {
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(s) ? s.replace(LONE_SURROGATE, '\ufffd') : s;
}

/**
 * A JSON string literal as Go's encoder writes it with HTML escaping off: the
 * same escapes as JSON.stringify, plus U+2028 and U+2029 always escaped.
 */
export function jsonString(s: string): string {
  return JSON.stringify(wellFormed(s)).replace(LINE_SEPARATORS, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
}
