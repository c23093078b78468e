// Loki's last resort for a line's level: the earliest level word that stands
// on its own in the text. A word counts only between boundaries: on its left a
// blank, an opening bracket, a quote, `=` or `|` (not `:`, so `misc:error` is
// a value rather than a level), on its right the same or a closing bracket,
// `:`, `,` or `!` (so `debug:` and `[warn]` count, `errors` and `error_code`
// do not). Case does not matter. When no word qualifies the level is
// `unknown`.
//
// Loki lower-cases the line and searches each word in turn; here one pass
// over the bytes tries the words only where a boundary allows one to start,
// so a line costs one table lookup per byte and nothing is allocated.
import {
  LEVEL_CRITICAL,
  LEVEL_DEBUG,
  LEVEL_ERROR,
  LEVEL_FATAL,
  LEVEL_INFO,
  LEVEL_TRACE,
  LEVEL_UNKNOWN,
  LEVEL_WARN,
} from './field-detection-levels.js';

const LEFT = 1;
const RIGHT = 2;
/** A byte a level word can start with (either case, and the lead byte of İ). */
const FIRST = 4;

/** Per byte: may it stand left of a word, right of one, start one? One lookup per byte in the scan. */
const CLASS = (() => {
  const t = new Uint8Array(256);
  for (const c of ' \t\n[({"\'=|') t[c.charCodeAt(0)]! |= LEFT;
  for (const c of ' \t\n[]{}():,!"\'=|') t[c.charCodeAt(0)]! |= RIGHT;
  for (const c of 'tdfcewi') {
    t[c.charCodeAt(0)]! |= FIRST;
    t[c.toUpperCase().charCodeAt(0)]! |= FIRST;
  }
  t[0xc4]! |= FIRST;
  return t;
})();

const codes = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const TRACE = codes('trace');
const DEBUG = codes('debug');
const FATAL = codes('fatal');
const CRITICAL = codes('critical');
const ERROR = codes('error');
const ERR = codes('err');
const WARNING = codes('warning');
const WARN = codes('warn');
const INFO = codes('info');

const LOWER_I = 0x69;

/**
 * Where `word` ends if it is spelled at `pos` (ASCII case ignored), else -1.
 * Loki lower-cases with Unicode rules, under which the dotted capital `İ`
 * (U+0130, bytes C4 B0) becomes a plain `i`; that one case is honoured.
 */
function wordEnd(buf: Uint8Array, pos: number, end: number, word: readonly number[]): number {
  for (const w of word) {
    if (pos >= end) return -1;
    const c = buf[pos]!;
    if ((c | 0x20) === w) pos++;
    else if (w === LOWER_I && c === 0xc4 && pos + 1 < end && buf[pos + 1] === 0xb0) pos += 2;
    else return -1;
  }
  return pos;
}

function bounded(buf: Uint8Array, pos: number, end: number, word: readonly number[]): boolean {
  const e = wordEnd(buf, pos, end, word);
  return e >= 0 && (e >= end || (CLASS[buf[e]!]! & RIGHT) !== 0);
}

/** The level of the word starting at `pos`, if one starts and ends there on boundaries. */
function levelAt(buf: Uint8Array, pos: number, end: number): string | undefined {
  switch (buf[pos]! | 0x20) {
    case 0x74: // t
      return bounded(buf, pos, end, TRACE) ? LEVEL_TRACE : undefined;
    case 0x64: // d
      return bounded(buf, pos, end, DEBUG) ? LEVEL_DEBUG : undefined;
    case 0x66: // f
      return bounded(buf, pos, end, FATAL) ? LEVEL_FATAL : undefined;
    case 0x63: // c
      return bounded(buf, pos, end, CRITICAL) ? LEVEL_CRITICAL : undefined;
    case 0x65: // e
      return bounded(buf, pos, end, ERROR) || bounded(buf, pos, end, ERR) ? LEVEL_ERROR : undefined;
    case 0x77: // w
      return bounded(buf, pos, end, WARNING) || bounded(buf, pos, end, WARN) ? LEVEL_WARN : undefined;
    case 0x69: // i
      return bounded(buf, pos, end, INFO) ? LEVEL_INFO : undefined;
    case 0xe4: // the lead byte of İ (0xc4 | 0x20)
      return buf[pos] === 0xc4 && bounded(buf, pos, end, INFO) ? LEVEL_INFO : undefined;
    default:
      return undefined;
  }
}

/**
 * The level of the earliest standalone level word in `buf[start, end)`, or
 * `unknown`. At any one position at most one word can match on boundaries
 * (`error` and `err`, `warning` and `warn` exclude each other there), so
 * the earliest position decides, as Loki's search for the smallest index does.
 */
export function levelFromText(buf: Uint8Array, start = 0, end = buf.length): string {
  let boundary = LEFT;
  for (let i = start; i < end; i++) {
    const cls = CLASS[buf[i]!]!;
    if ((cls & FIRST & (boundary << 2)) !== 0) {
      const level = levelAt(buf, i, end);
      if (level !== undefined) return level;
    }
    boundary = cls & LEFT;
  }
  return LEVEL_UNKNOWN;
}
