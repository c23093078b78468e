// JSON encoding as Go's encoding/json writes it for map[string]interface{}:
// keys sorted, no spaces, `<`, `>` and `&` escaped for HTML, control
// characters other than \n \r \t as \u00XX, U+2028 and U+2029 escaped, and
// broken surrogates replaced by U+FFFD. The json and pack stages produce
// lines and values with it, so they read exactly as Promtail's.

import { compareBytes, goJsonString } from '../../util/go-json.js';

export function goJsonMarshal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return goJsonString(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`json: unsupported value: ${value}`);
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(goJsonMarshal).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort(compareBytes);
      return `{${keys.map((k) => `${goJsonString(k)}:${goJsonMarshal(obj[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`json: unsupported type: ${typeof value}`);
  }
}
