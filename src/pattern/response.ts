// The body of `GET /loki/api/v1/patterns`, byte for byte as Loki writes it:
//   {"status":"success","data":[{"pattern":"...","level":"info","samples":[[1700000000,12],...]}]}
// followed by a newline. Patterns are written with HTML characters escaped
// (`<_>` appears as `\u003c_\u003e`), as Loki's JSON writer does for them.
import type { PatternSeries } from './query.js';

const HEX = '0123456789abcdef';

function escapeCode(c: number): string {
  return `\\u${HEX[(c >> 12) & 0xf]}${HEX[(c >> 8) & 0xf]}${HEX[(c >> 4) & 0xf]}${HEX[c & 0xf]}`;
}

/** A JSON string; `html` also escapes `<`, `>` and `&`, and always U+2028 / U+2029. */
export function jsonString(s: string, html: boolean): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let escaped: string | undefined;
    if (c === 0x22) escaped = '\\"';
    else if (c === 0x5c) escaped = '\\\\';
    else if (c === 0x0a) escaped = '\\n';
    else if (c === 0x0d) escaped = '\\r';
    else if (c === 0x09) escaped = '\\t';
    else if (c < 0x20) escaped = escapeCode(c);
    else if (html && (c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029)) escaped = escapeCode(c);
    if (escaped === undefined) continue;
    out += s.slice(start, i) + escaped;
    start = i + 1;
  }
  return `${out + s.slice(start)}"`;
}

/** The success response for a patterns query. */
export function encodePatternsResponse(series: readonly PatternSeries[]): string {
  const parts: string[] = [];
  for (const s of series) {
    let samples = '';
    for (let i = 0; i < s.samples.length; i++) {
      const [ts, count] = s.samples[i]!;
      samples += `${i > 0 ? ',' : ''}[${ts},${count}]`;
    }
    parts.push(
      `{"pattern":${jsonString(s.pattern, true)},"level":${jsonString(s.level, false)},"samples":[${samples}]}`,
    );
  }
  return `{"status":"success","data":[${parts.join(',')}]}\n`;
}
