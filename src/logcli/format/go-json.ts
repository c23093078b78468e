// JSON text as Go's encoding/json writes it, which is what logcli prints:
// `<`, `>` and `&` escaped for HTML, U+2028/U+2029 escaped, control
// characters other than \n \r \t as \u00XX; map keys sorted, struct fields in
// declaration order; and MarshalIndent's layout (empty `[]` and `{}` stay on
// one line).

import { compareBytes, goJsonString as jsonString } from '../../util/go-json.js';

export { compareBytes, jsonString };

/** A number already formatted the way Go would print it. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** A JSON object whose keys are written in insertion order. */
export type JsonObject = Map<string, JsonValue>;

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

/** A Go `map[string]string` as a JSON object (keys sorted bytewise). */
export function sortedStringMap(record: Readonly<Record<string, string>>): JsonObject {
  const keys = Object.keys(record).sort(compareBytes);
  return new Map(keys.map((k) => [k, record[k]]));
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
