// Finds a top-level string field of a JSON line without parsing the line,
// with the tolerance of the scanner Loki uses for this: nested objects and
// arrays are skipped by bracket counting, the line need not be valid JSON
// after the field, and the value is returned raw (escapes left in place).
import { toByteString } from './byte-string.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * The index just past the quote that closes a string whose content starts at
 * `from`, or -1; and whether the string contained a backslash (`lastEscaped`).
 */
let lastEscaped = false;
function stringEnd(data: string, from: number): number {
  let escaped = false;
  for (let i = from; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c === QUOTE) {
      if (!escaped) {
        lastEscaped = false;
        return i + 1;
      }
      // The quote closes the string when an even run of backslashes precedes it.
      let j = i - 1;
      let run = 0;
      while (j >= from && data.charCodeAt(j) === BACKSLASH) {
        run++;
        j--;
      }
      if (run % 2 === 0) {
        lastEscaped = true;
        return i + 1;
      }
    } else if (c === BACKSLASH) {
      escaped = true;
    }
  }
  lastEscaped = escaped;
  return -1;
}

/** The index just past the bracket closing the block that opens at `from`, or -1. */
function blockEnd(data: string, from: number, open: number, close: number): number {
  let level = 0;
  let i = from;
  const n = data.length;
  while (i < n) {
    const c = data.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(data, i + 1);
      if (end < 0) return -1;
      i = end;
      continue;
    }
    if (c === open) {
      level++;
    } else if (c === close) {
      level--;
      if (level === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

function nextNonSpace(data: string, from: number): number {
  for (let i = from; i < data.length; i++) {
    if (!isJsonSpace(data.charCodeAt(i))) return i;
  }
  return -1;
}

/** A JSON key with its escapes resolved, as a byte string; null when the escapes are invalid. */
function unescapeKey(raw: string): string | null {
  try {
    // The key is a byte string; JSON.parse wants text, so decode it first.
    const text = Buffer.from(raw, 'latin1').toString('utf8');
    return toByteString(JSON.parse(`"${text}"`) as string);
  } catch {
    return null;
  }
}

/** The index just past the colon that follows top-level key `key`, or -1. */
function findTopLevelKey(data: string, key: string): number {
  const n = data.length;
  let level = 0;
  let keyLevel = 0;
  let lastMatched = true;
  let i = 0;
  while (i < n) {
    const c = data.charCodeAt(i);
    switch (c) {
      case QUOTE: {
        const keyBegin = i + 1;
        const end = stringEnd(data, keyBegin);
        if (end < 0) return -1;
        const escaped = lastEscaped;
        const next = nextNonSpace(data, end);
        if (next < 0) return -1;
        if (data.charCodeAt(next) !== COLON) {
          // A string value: carry on from the character after it.
          i = next;
          continue;
        }
        if (level < 1) return -1;
        if (level > 1) return -1;
        let k: string | null = data.slice(keyBegin, end - 1);
        if (escaped) {
          k = unescapeKey(k);
          if (k === null) return -1;
        }
        if (k === key) {
          lastMatched = true;
          if (keyLevel === 0) return next + 1;
        } else {
          lastMatched = false;
        }
        i = next + 1;
        continue;
      }
      case OPEN_BRACE:
        if (!lastMatched) {
          const end = blockEnd(data, i, OPEN_BRACE, CLOSE_BRACE);
          if (end < 0) return -1;
          i = end;
          continue;
        }
        level++;
        break;
      case CLOSE_BRACE:
        level--;
        if (level === keyLevel) keyLevel--;
        break;
      case OPEN_BRACKET: {
        // Keys inside arrays are never top-level.
        const end = blockEnd(data, i, OPEN_BRACKET, CLOSE_BRACKET);
        if (end < 0) return -1;
        i = end;
        continue;
      }
      case COLON:
        // A colon outside a key: the line is not JSON.
        return -1;
    }
    i++;
  }
  return -1;
}

/**
 * The raw content of the top-level string field `key` (a byte string) of a
 * JSON line, or null when the field is missing, is not a string, or the line
 * is too broken to reach it.
 */
export function topLevelStringField(line: string, key: string): string | null {
  const afterColon = findTopLevelKey(line, key);
  if (afterColon < 0) return null;
  const start = nextNonSpace(line, afterColon);
  if (start < 0 || line.charCodeAt(start) !== QUOTE) return null;
  const end = stringEnd(line, start + 1);
  if (end < 0) return null;
  return line.slice(start + 1, end - 1);
}
