// JSON text as Go's encoding/json writes it, for responses Loki encodes with
// the standard library (or jsoniter's standard-compatible mode): HTML
// characters and the JavaScript line separators are escaped, so a label value
// such as `a<b` is sent as "a\u003cb" exactly as Loki sends it.

const GO_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

const NEEDS_ESCAPE = /[<>&\u2028\u2029]/g;

/** Escapes what encoding/json escapes beyond JSON.stringify, in already serialised JSON text. */
export function goEscapeJSON(json: string): string {
  return json.replace(NEEDS_ESCAPE, (c) => GO_ESCAPES[c]!);
}

/** `JSON.stringify` with encoding/json's escaping. */
export function goJSON(value: unknown): string {
  return goEscapeJSON(JSON.stringify(value));
}
