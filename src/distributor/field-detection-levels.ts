// The `detected_level` vocabulary and how a raw value maps onto it, as Loki
// normalises levels at ingest: the seven level names and their common
// abbreviations, matched without regard to ASCII case, and the OpenTelemetry
// severity number bands. Values are read straight from a line's bytes or from
// a label string, so matching never needs a lower-cased copy.

/** Loki's level fields, used when `log_level_fields` is empty. */
export const DEFAULT_LEVEL_FIELDS: readonly string[] = [
  'level',
  'LEVEL',
  'Level',
  'log.level',
  'severity',
  'SEVERITY',
  'Severity',
  'SeverityText',
  'lvl',
  'LVL',
  'Lvl',
  'severity_text',
  'Severity_Text',
  'SEVERITY_TEXT',
];

export const DETECTED_LEVEL = 'detected_level';

export const LEVEL_TRACE = 'trace';
export const LEVEL_DEBUG = 'debug';
export const LEVEL_INFO = 'info';
export const LEVEL_WARN = 'warn';
export const LEVEL_ERROR = 'error';
export const LEVEL_CRITICAL = 'critical';
export const LEVEL_FATAL = 'fatal';
export const LEVEL_UNKNOWN = 'unknown';

interface Word {
  /** Lower-case ASCII letters. */
  readonly codes: readonly number[];
  readonly level: string;
}

function word(text: string, level: string): Word {
  return { codes: [...text].map((c) => c.charCodeAt(0)), level };
}

// Grouped by length, so a value is compared with at most five words. Every
// word is made of letters only, which is what makes `c | 0x20` a safe ASCII
// case fold below (no other byte folds onto a lower-case letter).
const WORDS_BY_LENGTH: ReadonlyArray<readonly Word[] | undefined> = (() => {
  const all = [
    word('trace', LEVEL_TRACE),
    word('trc', LEVEL_TRACE),
    word('debug', LEVEL_DEBUG),
    word('dbg', LEVEL_DEBUG),
    word('info', LEVEL_INFO),
    word('inf', LEVEL_INFO),
    word('information', LEVEL_INFO),
    word('warn', LEVEL_WARN),
    word('wrn', LEVEL_WARN),
    word('warning', LEVEL_WARN),
    word('error', LEVEL_ERROR),
    word('err', LEVEL_ERROR),
    word('critical', LEVEL_CRITICAL),
    word('fatal', LEVEL_FATAL),
  ];
  const out: Word[][] = [];
  for (const w of all) {
    const list = out[w.codes.length] ?? [];
    out[w.codes.length] = list;
    list.push(w);
  }
  return out;
})();

/** The level `buf[start, end)` names, ignoring ASCII case, or undefined. */
export function levelOfBytes(buf: Uint8Array, start: number, end: number): string | undefined {
  const words = WORDS_BY_LENGTH[end - start];
  if (words === undefined) return undefined;
  for (const w of words) {
    const codes = w.codes;
    let i = 0;
    while (i < codes.length && (buf[start + i]! | 0x20) === codes[i]) i++;
    if (i === codes.length) return w.level;
  }
  return undefined;
}

/** The level a string names, ignoring ASCII case, or undefined. */
export function levelOfString(s: string): string | undefined {
  const words = WORDS_BY_LENGTH[s.length];
  if (words === undefined) return undefined;
  for (const w of words) {
    const codes = w.codes;
    let i = 0;
    while (i < codes.length && (s.charCodeAt(i) | 0x20) === codes[i]) i++;
    if (i === codes.length) return w.level;
  }
  return undefined;
}

/**
 * A level taken from a label or from structured metadata: a known name or
 * abbreviation becomes its canonical level, anything else is kept as sent
 * (Loki stores `notice` as `notice`, not as `unknown`).
 */
export function normaliseLevel(value: string): string {
  return levelOfString(value) ?? value;
}

/**
 * The level of an OpenTelemetry `severity_number`: 0 is unspecified, then
 * bands of four (trace 1-4, debug 5-8, info 9-12, warn 13-16, error 17-20,
 * fatal 21-24), anything above is unknown. A value that is not an integer
 * reads as info, as in Loki (its parse error falls back to info).
 */
export function levelOfSeverityNumber(text: string): string {
  const n = parseGoInt(text);
  if (n === undefined) return LEVEL_INFO;
  if (n === 0) return LEVEL_UNKNOWN;
  if (n <= 4) return LEVEL_TRACE;
  if (n <= 8) return LEVEL_DEBUG;
  if (n <= 12) return LEVEL_INFO;
  if (n <= 16) return LEVEL_WARN;
  if (n <= 20) return LEVEL_ERROR;
  if (n <= 24) return LEVEL_FATAL;
  return LEVEL_UNKNOWN;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * A decimal integer as Go's strconv.Atoi reads one: an optional sign and at
 * least one digit, nothing else, within 64 bits. Only the sign and the small
 * range matter to the caller, so very large values may come back rounded.
 */
function parseGoInt(text: string): number | undefined {
  let i = 0;
  const first = text.charCodeAt(0);
  if (first === 0x2b || first === 0x2d) i = 1;
  if (i >= text.length) return undefined;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  if (text.length - i <= 15) return Number(text);
  const big = BigInt(text);
  return big > INT64_MAX || big < INT64_MIN ? undefined : Number(big);
}
