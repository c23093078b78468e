// Go's Regexp.ReplaceAllString, ReplaceAllLiteralString and
// FindAllStringIndex on top of the shared Go regexp facade, including
// Expand's template rules: $1, ${1}, $name, ${name}, $$; in "$1x" the name
// is "1x", and unknown or unmatched groups expand to nothing.
import type { GoRegexp } from '../../util/regexp.js';

function isNameChar(ch: string): boolean {
  return /^[\p{L}\p{Nd}_]$/u.test(ch);
}

/** Appends the expansion of `template` for one match. */
function expand(re: GoRegexp, template: string, src: string, match: readonly number[]): string {
  let out = '';
  let t = template;
  for (;;) {
    const at = t.indexOf('$');
    if (at < 0) break;
    out += t.slice(0, at);
    t = t.slice(at + 1);
    if (t.startsWith('$')) {
      out += '$';
      t = t.slice(1);
      continue;
    }
    // extract(): an optional brace, then a non-empty run of letters, digits and underscores.
    let rest = t;
    const brace = rest.startsWith('{');
    if (brace) rest = rest.slice(1);
    let i = 0;
    while (i < rest.length) {
      const ch = String.fromCodePoint(rest.codePointAt(i)!);
      if (!isNameChar(ch)) break;
      i += ch.length;
    }
    if (i === 0 || (brace && rest[i] !== '}')) {
      // Malformed: the $ is literal text.
      out += '$';
      continue;
    }
    const name = rest.slice(0, i);
    t = rest.slice(i + (brace ? 1 : 0));
    let num = -1;
    if (/^[0-9]+$/.test(name) && !(name[0] === '0' && name.length > 1) && name.length <= 8) num = Number(name);
    if (num >= 0) {
      if (2 * num + 1 < match.length && match[2 * num]! >= 0) out += src.slice(match[2 * num], match[2 * num + 1]);
    } else {
      const idx = re.groupNames.indexOf(name);
      if (idx > 0 && 2 * idx + 1 < match.length && match[2 * idx]! >= 0) {
        out += src.slice(match[2 * idx], match[2 * idx + 1]);
      }
    }
  }
  return out + t;
}

/** The width of the character at i (1 or 2 UTF-16 units), 0 at the end. */
function charWidth(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
}

function replaceAll(re: GoRegexp, src: string, repl: (match: number[]) => string): string {
  let lastMatchEnd = 0;
  let searchPos = 0;
  let out = '';
  while (searchPos <= src.length) {
    const a = re.exec(src, searchPos);
    if (!a) break;
    out += src.slice(lastMatchEnd, a[0]);
    // No replacement for an empty match right after the previous match.
    if (a[1]! > lastMatchEnd || a[0] === 0) out += repl(a);
    lastMatchEnd = a[1]!;
    const width = charWidth(src, searchPos);
    if (searchPos + width > a[1]!) searchPos += width;
    else if (searchPos + 1 > a[1]!) searchPos++;
    else searchPos = a[1]!;
  }
  return out + src.slice(lastMatchEnd);
}

/** Regexp.ReplaceAllString: `$` in the replacement expands submatches. */
export function replaceAllString(re: GoRegexp, src: string, replacement: string): string {
  return replaceAll(re, src, (m) => expand(re, replacement, src, m));
}

/** Regexp.ReplaceAllLiteralString. */
export function replaceAllLiteralString(re: GoRegexp, src: string, replacement: string): string {
  return replaceAll(re, src, () => replacement);
}

/** len(Regexp.FindAllStringIndex(s, -1)). */
export function countMatches(re: GoRegexp, s: string): number {
  let n = 0;
  let pos = 0;
  let prevMatchEnd = -1;
  while (pos <= s.length) {
    const m = re.exec(s, pos);
    if (!m) break;
    let accept = true;
    if (m[1] === pos) {
      // An empty match right after the previous one is not counted.
      if (m[0] === prevMatchEnd) accept = false;
      const w = charWidth(s, pos);
      pos += w > 0 ? w : 1;
    } else pos = m[1]!;
    prevMatchEnd = m[1]!;
    if (accept) n++;
  }
  return n;
}
