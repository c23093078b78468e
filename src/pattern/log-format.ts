// Guessing a stream's log format from its first line, as Loki's pattern
// ingester does to pick a tokenizer: `{...}` is JSON; a line made only of
// `key=value` pairs is logfmt; anything else is unknown (plain text).
//
// Loki decides logfmt with the RE2 expression
//   ^(\w+?=([^"]\S*?|".+?") )*?(\w+?=([^"]\S*?|".+?"))+$
// A backtracking engine can take exponential time on that expression, so it
// is run here as a small NFA over the line's bytes, in linear time, with
// RE2's classes (`\w` and `\s` are ASCII; `.` is anything but a newline).

export type LogFormat = 'json' | 'logfmt' | 'unknown';

// NFA states: a key/value pair is either one of the space-separated leading
// pairs (A, then a space) or one of the final pairs (B, one or more, adjacent).
const KEY_START = 0; // expecting the first key character
const KEY = 1; // inside the key, `=` may follow
const VALUE_START = 2; // just after `=`
const BARE_VALUE = 3; // inside an unquoted value (a pair may end here)
const QUOTE_OPEN = 4; // after the opening quote, one character needed
const QUOTED = 5; // inside a quoted value
const QUOTE_CLOSED = 6; // after the closing quote (a pair ends here)
const B = 7; // offset of the B copies of the states above

const bit = (state: number): number => 1 << state;
const A_PAIR_END = bit(BARE_VALUE) | bit(QUOTE_CLOSED);
const B_PAIR_END = bit(B + BARE_VALUE) | bit(B + QUOTE_CLOSED);
const START = bit(KEY_START) | bit(B + KEY_START);

function isWord(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

function isRe2Space(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

/** A finished B pair may be followed directly by another B pair. */
function closure(states: number): number {
  return states & B_PAIR_END ? states | bit(B + KEY_START) : states;
}

function stepPair(states: number, offset: number, c: number): number {
  let next = 0;
  if (states & bit(offset + KEY_START) && isWord(c)) next |= bit(offset + KEY);
  if (states & bit(offset + KEY)) {
    if (isWord(c)) next |= bit(offset + KEY);
    else if (c === 0x3d) next |= bit(offset + VALUE_START);
  }
  if (states & bit(offset + VALUE_START)) next |= bit(offset + (c === 0x22 ? QUOTE_OPEN : BARE_VALUE));
  if (states & bit(offset + BARE_VALUE) && !isRe2Space(c)) next |= bit(offset + BARE_VALUE);
  if (states & bit(offset + QUOTE_OPEN) && c !== 0x0a) next |= bit(offset + QUOTED);
  if (states & bit(offset + QUOTED) && c !== 0x0a) {
    next |= bit(offset + QUOTED);
    if (c === 0x22) next |= bit(offset + QUOTE_CLOSED);
  }
  return next;
}

/** Whether the byte string `line` is entirely logfmt by Loki's definition. */
export function isLogfmtLine(line: string): boolean {
  let states = START;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    let next = stepPair(states, 0, c) | stepPair(states, B, c);
    if (states & A_PAIR_END && c === 0x20) next |= START;
    states = closure(next);
    if (states === 0) return false;
  }
  return (states & B_PAIR_END) !== 0;
}

/** Loki's guess at the format of a stream from its first line (a byte string). */
export function detectLogFormat(line: string): LogFormat {
  if (line.length < 2) return 'unknown';
  if (line.charCodeAt(0) === 0x7b && line.charCodeAt(line.length - 1) === 0x7d) return 'json';
  return isLogfmtLine(line) ? 'logfmt' : 'unknown';
}
