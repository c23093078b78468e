// JSON text as Go's encoding/json writes it, which is what logcli prints:
// `<`, `>` and `&` escaped for HTML, U+2028/U+2029 escaped, control
// characters other than \n \r \t as \u00XX; map keys sorted, struct fields in
// declaration order; and MarshalIndent's layout (empty `[]` and `{}` stay on
// one line).

/** A number already formatted the way Go would print it. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** A JSON object whose keys are written in insertion order. */
export type JsonObject = Map<string, JsonValue>;

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

const HEX = '0123456789abcdef';

/** A Go-escaped JSON string literal. */
export function jsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20) {
      esc = c === 0x0a ? '\\n' : c === 0x0d ? '\\r' : c === 0x09 ? '\\t' : `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    } else if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (c === 0x3c) esc = '\\u003c';
    else if (c === 0x3e) esc = '\\u003e';
    else if (c === 0x26) esc = '\\u0026';
    else if (c === 0x2028) esc = '\\u2028';
    else if (c === 0x2029) esc = '\\u2029';
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      // A lone surrogate is invalid UTF-8 to Go; it writes U+FFFD.
      esc = '\ufffd';
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return `${out}${s.slice(start)}"`;
}

/** A Go `map[string]string` as a JSON object (keys sorted bytewise). */
export function sortedStringMap(record: Readonly<Record<string, string>>): JsonObject {
  const keys = Object.keys(record).sort(compareBytes);
  return new Map(keys.map((k) => [k, record[k]]));
}

/** Bytewise (UTF-8) comparison, the order of Go's sort.Strings. */
export function compareBytes(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Go's json.Marshal: compact. */
export function marshal(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return jsonString(v);
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map(marshal).join(',')}]`;
  const parts: string[] = [];
  for (const [k, x] of v) parts.push(`${jsonString(k)}:${marshal(x)}`);
  return `{${parts.join(',')}}`;
}

/** Go's json.MarshalIndent(v, "", indent). */
export function marshalIndent(v: JsonValue, indent = '  ', depth = 0): string {
  if (v === null || typeof v !== 'object' || v instanceof JsonNumber) return marshal(v);
  const inner = indent.repeat(depth + 1);
  const outer = indent.repeat(depth);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + marshalIndent(x, indent, depth + 1)).join(',\n')}\n${outer}]`;
  }
  if (v.size === 0) return '{}';
  const parts: string[] = [];
  for (const [k, x] of v) parts.push(`${inner}${jsonString(k)}: ${marshalIndent(x, indent, depth + 1)}`);
  return `{\n${parts.join(',\n')}\n${outer}}`;
}
