// JSON text as Go's encoding/json writes it, for responses Loki encodes with
// the standard library (or jsoniter's standard-compatible mode) and for what
// Go tools print (logcli, Promtail's json and pack stages): HTML characters
// and the JavaScript line separators are escaped, so a label value such as
// `a<b` is sent as "a\u003cb" exactly as Loki sends it; map keys are sorted
// bytewise.

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

const HEX = '0123456789abcdef';

/**
 * A Go-escaped JSON string literal: control characters other than \n \r \t
 * as \u00XX, HTML characters and U+2028/U+2029 escaped, and a lone surrogate
 * (invalid UTF-8 to Go) written as U+FFFD.
 */
export function goJsonString(s: string): string {
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
      esc = '\ufffd';
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return `${out}${s.slice(start)}"`;
}

/** Bytewise (UTF-8) comparison, the order of Go's sort.Strings and of encoding/json's map keys. */
export function compareBytes(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}
