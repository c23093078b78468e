// Go's strings package semantics that differ from JavaScript's: per-rune
// simple case mapping (no "ß" -> "SS", no context-dependent final sigma),
// Unicode White_Space as Go defines it, Title's word separators, Replace
// with a count, Repeat's panics, and byte-indexed slicing with Go's runtime
// panic messages.
import { TemplateFunctionError } from './functions.js';
import { isAscii } from './values.js';

/** unicode.IsSpace. JavaScript's \s adds U+FEFF and lacks U+0085. */
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;
const LETTER_OR_DIGIT = /^[\p{L}\p{Nd}]$/u;

export function isGoSpace(ch: string): boolean {
  return GO_SPACE.test(ch);
}

/** Maps each rune with `f`, keeping runes whose full mapping is not a single rune (Go uses simple mappings). */
function mapRunes(s: string, f: (ch: string) => string): string {
  let out = '';
  for (const ch of s) {
    const m = f(ch);
    out += m.length === ch.length || [...m].length === 1 ? m : ch;
  }
  return out;
}

export function toLower(s: string): string {
  if (isAscii(s)) return s.toLowerCase();
  // U+0130 lower-cases to "i" plus a combining dot in full mapping, to "i" in Go.
  return mapRunes(s, (ch) => (ch === '\u0130' ? 'i' : ch.toLowerCase()));
}

export function toUpper(s: string): string {
  if (isAscii(s)) return s.toUpperCase();
  return mapRunes(s, (ch) => ch.toUpperCase());
}

/** unicode.ToTitle: upper case, except the Latin digraphs that have distinct title forms. */
function toTitleRune(ch: string): string {
  const c = ch.codePointAt(0)!;
  if (c >= 0x1c4 && c <= 0x1c6) return '\u01c5';
  if (c >= 0x1c7 && c <= 0x1c9) return '\u01c8';
  if (c >= 0x1ca && c <= 0x1cc) return '\u01cb';
  if (c >= 0x1f1 && c <= 0x1f3) return '\u01f2';
  const u = ch.toUpperCase();
  return [...u].length === 1 ? u : ch;
}

function isTitleSeparator(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  if (c <= 0x7f) {
    return !((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f);
  }
  if (LETTER_OR_DIGIT.test(ch)) return false;
  return isGoSpace(ch);
}

/** strings.Title: upper-cases the first letter of each word. */
export function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isTitleSeparator(prev) ? toTitleRune(ch) : ch;
    prev = ch;
  }
  return out;
}

/** strings.TrimSpace. */
export function trimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isGoSpace(s[start]!)) start++;
  while (end > start && isGoSpace(s[end - 1]!)) end--;
  return s.slice(start, end);
}

function cutsetTest(cutset: string): (ch: string) => boolean {
  if (cutset.length === 1) return (ch) => ch === cutset;
  const set = new Set(cutset);
  return (ch) => set.has(ch);
}

/** strings.TrimLeft: drops leading runes contained in cutset. */
export function trimLeft(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  const inSet = cutsetTest(cutset);
  let i = 0;
  while (i < s.length) {
    const ch = String.fromCodePoint(s.codePointAt(i)!);
    if (!inSet(ch)) break;
    i += ch.length;
  }
  return s.slice(i);
}

/** strings.TrimRight: drops trailing runes contained in cutset. */
export function trimRight(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  const inSet = cutsetTest(cutset);
  let end = s.length;
  while (end > 0) {
    let start = end - 1;
    const c = s.charCodeAt(start);
    if (c >= 0xdc00 && c <= 0xdfff && start > 0) start--;
    if (!inSet(s.slice(start, end))) break;
    end = start;
  }
  return s.slice(0, end);
}

/** strings.Trim. */
export function trim(s: string, cutset: string): string {
  return trimRight(trimLeft(s, cutset), cutset);
}

export function trimPrefix(s: string, prefix: string): string {
  return s.startsWith(prefix) ? s.slice(prefix.length) : s;
}

export function trimSuffix(s: string, suffix: string): string {
  return suffix !== '' && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s;
}

/** strings.Replace: at most n replacements (all when n < 0); an empty `old` matches between runes. */
export function replace(s: string, old: string, replacement: string, n: number | bigint): string {
  let limit = typeof n === 'bigint' ? (n > 1n << 53n ? Number.MAX_SAFE_INTEGER : Number(n)) : n;
  if (old === replacement || limit === 0) return s;
  if (old === '') {
    const runes = Array.from(s);
    const slots = runes.length + 1;
    if (limit < 0 || limit > slots) limit = slots;
    let out = '';
    for (let i = 0; i < runes.length; i++) {
      if (i < limit) out += replacement;
      out += runes[i];
    }
    if (runes.length < limit) out += replacement;
    return out;
  }
  if (limit < 0) return s.split(old).join(replacement);
  let out = '';
  let from = 0;
  for (let k = 0; k < limit; k++) {
    const at = s.indexOf(old, from);
    if (at < 0) break;
    out += s.slice(from, at) + replacement;
    from = at + old.length;
  }
  return out + s.slice(from);
}

/** JavaScript's limit on string length; Go would try to allocate, we report its overflow panic instead. */
const MAX_STRING_LENGTH = 2 ** 29 - 24;

/** strings.Repeat, with its panics. */
export function repeat(s: string, count: number | bigint): string {
  const n = typeof count === 'bigint' ? count : BigInt(count);
  if (n < 0n) throw new TemplateFunctionError('strings: negative Repeat count');
  if (s.length > 0 && BigInt(s.length) * n > BigInt(MAX_STRING_LENGTH)) {
    throw new TemplateFunctionError('strings: Repeat output length overflow');
  }
  return s.repeat(Number(n));
}

// ---- byte-indexed slicing ----

function boundsError(msg: string): never {
  throw new TemplateFunctionError(`runtime error: slice bounds out of range ${msg}`);
}

/**
 * s[low:high] on the UTF-8 bytes of s, with Go's runtime panics. Pass
 * `high` undefined for s[low:] and `low` 0 for s[:high]. A cut inside a
 * multi-byte character leaves U+FFFD where Go would keep the raw bytes.
 */
export function sliceBytes(s: string, low: number, high: number | undefined, lowGiven: boolean): string {
  const ascii = isAscii(s);
  const len = ascii ? s.length : Buffer.byteLength(s, 'utf8');
  if (high !== undefined) {
    if (high < 0) boundsError(`[:${high}]`);
    if (high > len) boundsError(`[:${high}] with length ${len}`);
  }
  const h = high ?? len;
  if (lowGiven && low < 0) boundsError(`[${low}:]`);
  if (low > h) boundsError(`[${low}:${h}]`);
  if (ascii) return s.slice(low, h);
  return Buffer.from(s, 'utf8').subarray(low, h).toString('utf8');
}

/** The length of s in bytes, as Go's len. */
export function byteLen(s: string): number {
  return isAscii(s) ? s.length : Buffer.byteLength(s, 'utf8');
}
