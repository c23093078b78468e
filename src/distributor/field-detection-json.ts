// Reads fields out of a JSON log line, straight from its bytes, with the
// behaviour of the JSON reader Loki's field detection uses (jsonparser): it
// walks an object key by key, skips nested blocks by counting brackets, stops
// at the first malformation, and hands out string values raw (between their
// quotes, escapes left as written). Two questions are answered:
//
// - the level: the first string value, in document order and descending into
//   objects (not arrays) up to a depth, whose key is one of the level fields;
// - a generic field: the value at a path such as `a.b` or `list[0]`.
//
// Nothing is allocated unless a key holds escapes.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The first non-blank position in [i, end), or -1. */
function nextToken(buf: Uint8Array, i: number, end: number): number {
  for (; i < end; i++) if (!isBlank(buf[i]!)) return i;
  return -1;
}

/** Set by stringEnd: the string just scanned holds a backslash. */
let lastEscaped = false;

/**
 * The position just after the quote closing a string whose content starts at
 * `from`, or -1. A quote counts as escaped after an odd run of backslashes.
 */
function stringEnd(buf: Uint8Array, from: number, end: number): number {
  let escaped = false;
  for (let i = from; i < end; i++) {
    const c = buf[i]!;
    if (c === QUOTE) {
      if (!escaped) {
        lastEscaped = false;
        return i + 1;
      }
      let j = i - 1;
      let run = 0;
      while (j >= from && buf[j] === BACKSLASH) {
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

/** The position just after the bracket closing the block opened at `start`, or -1. */
function blockEnd(buf: Uint8Array, start: number, end: number, open: number, close: number): number {
  let level = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c === QUOTE) {
      const se = stringEnd(buf, i + 1, end);
      if (se < 0) return -1;
      i = se - 1;
    } else if (c === open) {
      level++;
    } else if (c === close) {
      level--;
      if (level === 0) return i + 1;
    }
  }
  return -1;
}

/** The end of a bare token (number, true, false, null): the next blank, `,`, `}` or `]`. */
function tokenEnd(buf: Uint8Array, i: number, end: number): number {
  for (; i < end; i++) {
    const c = buf[i]!;
    if (isBlank(c) || c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET) return i;
  }
  return end;
}

function spells(buf: Uint8Array, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[start + i] !== word.charCodeAt(i)) return false;
  return true;
}

export const TYPE_STRING = 1;
const TYPE_OTHER = 2;
const TYPE_OBJECT = 3;

/** The value scanned last by readValue: its kind and content bounds, and where it ends. */
interface Value {
  type: number;
  start: number;
  end: number;
  next: number;
}

/**
 * Reads the value at the first non-blank position from `i`: false when it is
 * malformed (no closing quote or bracket, an unknown bare word).
 */
function readValue(buf: Uint8Array, i: number, end: number, out: Value): boolean {
  const at = nextToken(buf, i, end);
  if (at < 0) return false;
  const c = buf[at]!;
  if (c === QUOTE) {
    const se = stringEnd(buf, at + 1, end);
    if (se < 0) return false;
    out.type = TYPE_STRING;
    out.start = at + 1;
    out.end = se - 1;
    out.next = se;
    return true;
  }
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    const be = blockEnd(buf, at, end, c, c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET);
    if (be < 0) return false;
    out.type = c === OPEN_BRACE ? TYPE_OBJECT : TYPE_OTHER;
    out.start = at;
    out.end = be;
    out.next = be;
    return true;
  }
  const te = tokenEnd(buf, at, end);
  switch (c) {
    case 0x74: // t
    case 0x66: // f
      if (!spells(buf, at, te, 'true') && !spells(buf, at, te, 'false')) return false;
      break;
    case 0x75: // u
    case 0x6e: // n
      if (!spells(buf, at, te, 'null')) return false;
      break;
    default:
      if (c !== 0x2d && (c < 0x30 || c > 0x39)) return false;
  }
  out.type = TYPE_OTHER;
  out.start = at;
  out.end = te;
  out.next = te;
  return true;
}

const HEX = (c: number): number =>
  c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;

function hex4(buf: Uint8Array, at: number, end: number): number {
  if (at + 4 > end) return -1;
  let v = 0;
  for (let i = at; i < at + 4; i++) {
    const d = HEX(buf[i]!);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

const ESCAPED_BYTE: Readonly<Record<number, number>> = {
  34: 0x22,
  92: 0x5c,
  47: 0x2f,
  98: 0x08,
  102: 0x0c,
  110: 0x0a,
  114: 0x0d,
  116: 0x09,
};

/**
 * The bytes of a key with escapes, decoded as jsonparser decodes them, or
 * null for an invalid escape. Bytes outside escapes are copied as they are; a
 * lone surrogate becomes U+FFFD.
 */
export function unescapeKey(buf: Uint8Array, start: number, end: number): Buffer | null {
  const out: number[] = [];
  let i = start;
  while (i < end) {
    const c = buf[i]!;
    if (c !== BACKSLASH) {
      out.push(c);
      i++;
      continue;
    }
    if (i + 1 >= end) return null;
    const e = buf[i + 1]!;
    const simple = ESCAPED_BYTE[e];
    if (simple !== undefined) {
      out.push(simple);
      i += 2;
      continue;
    }
    if (e !== 0x75) return null;
    let r = hex4(buf, i + 2, end);
    if (r < 0) return null;
    let used = 6;
    if (r >= 0xd800 && r <= 0xdfff) {
      if (r >= 0xdc00 || i + 8 > end || buf[i + 6] !== BACKSLASH || buf[i + 7] !== 0x75) {
        r = 0xfffd;
      } else {
        const low = hex4(buf, i + 8, end);
        if (low < 0) return null;
        if (low < 0xdc00 || low > 0xdfff) r = 0xfffd;
        else {
          r = 0x10000 + ((r - 0xd800) << 10) + (low - 0xdc00);
          used = 12;
        }
      }
    }
    for (const b of Buffer.from(String.fromCodePoint(r), 'utf8')) out.push(b);
    i += used;
  }
  return Buffer.from(out);
}

function sameBytes(buf: Uint8Array, start: number, end: number, want: Uint8Array): boolean {
  if (end - start !== want.length) return false;
  for (let i = 0; i < want.length; i++) if (buf[start + i] !== want[i]) return false;
  return true;
}

const FOUND = 1;
const DONE = 0;
const FAILED = -1;

/**
 * Finds the level field of a JSON line: the first string value whose key is
 * one of `fields` (exact case), looking into nested objects down to
 * `maxDepth` levels (the top level is depth 0; 0 or less means no limit).
 */
export class JsonLevelFinder {
  /** The wanted keys as bytes, indexed by byte length. */
  private readonly byLength: ReadonlyArray<readonly Uint8Array[] | undefined>;
  private readonly value: Value = { type: 0, start: 0, end: 0, next: 0 };

  /** The raw value (between its quotes) found by the last successful find(). */
  valueStart = 0;
  valueEnd = 0;

  constructor(
    fields: readonly string[],
    private readonly maxDepth: number,
  ) {
    const byLength: Uint8Array[][] = [];
    for (const f of fields) {
      const b = Buffer.from(f, 'utf8');
      const list = byLength[b.length] ?? [];
      byLength[b.length] = list;
      if (!list.some((x) => Buffer.compare(x, b) === 0)) list.push(b);
    }
    this.byLength = byLength;
  }

  /** Looks for a level field in `line`, which starts (after blanks) with `{`. */
  find(line: Uint8Array): boolean {
    return this.walk(line, 0, line.length, 0) === FOUND;
  }

  private wanted(buf: Uint8Array, start: number, end: number): boolean {
    const list = this.byLength[end - start];
    if (list === undefined) return false;
    for (const want of list) if (sameBytes(buf, start, end, want)) return true;
    return false;
  }

  /** Walks the object at the first non-blank position of [pos, end). */
  private walk(buf: Uint8Array, pos: number, end: number, depth: number): number {
    if (this.maxDepth > 0 && depth >= this.maxDepth) return DONE;
    pos = nextToken(buf, pos, end);
    if (pos < 0 || buf[pos] !== OPEN_BRACE) return FAILED;
    pos = nextToken(buf, pos + 1, end);
    if (pos < 0) return FAILED;
    const v = this.value;
    for (;;) {
      const c = buf[pos]!;
      if (c === CLOSE_BRACE) return DONE;
      if (c !== QUOTE) return FAILED;
      const keyStart = pos + 1;
      const se = stringEnd(buf, keyStart, end);
      if (se < 0) return FAILED;
      const keyEnd = se - 1;
      // An escaped key is decoded (and must decode) before its value is looked at.
      let key: Buffer | null = null;
      if (lastEscaped) {
        key = unescapeKey(buf, keyStart, keyEnd);
        if (key === null) return FAILED;
      }
      pos = nextToken(buf, se, end);
      if (pos < 0 || buf[pos] !== COLON) return FAILED;
      if (!readValue(buf, pos + 1, end, v)) return FAILED;
      const next = v.next;
      if (v.type === TYPE_STRING) {
        if (key === null ? this.wanted(buf, keyStart, keyEnd) : this.wanted(key, 0, key.length)) {
          this.valueStart = v.start;
          this.valueEnd = v.end;
          return FOUND;
        }
      } else if (v.type === TYPE_OBJECT) {
        const r = this.walk(buf, v.start, v.end, depth + 1);
        if (r !== DONE) return r;
      }
      pos = nextToken(buf, next, end);
      if (pos < 0) return FAILED;
      if (buf[pos] === CLOSE_BRACE) return DONE;
      if (buf[pos] !== COMMA) return FAILED;
      pos = nextToken(buf, pos + 1, end);
      if (pos < 0) return FAILED;
    }
  }
}

/** A path as jsonparser takes it: keys as bytes, array indexes as numbers. */
export type JsonPath = ReadonlyArray<Uint8Array | number | null>;

/**
 * Compiles a path from the form Loki's JSON expression parser gives (keys as
 * they are, indexes as "[N]"). A bracketed part that is not a valid index
 * stays in the path as null: it never matches.
 */
export function compileJsonPath(parts: readonly string[]): JsonPath {
  return parts.map((p) => {
    if (p.length > 0 && p[0] === '[') {
      if (p.length < 3 || p[p.length - 1] !== ']') return null;
      const digits = p.slice(1, -1);
      for (let i = 0; i < digits.length; i++) {
        const c = digits.charCodeAt(i);
        if (c < 0x30 || c > 0x39) return null;
      }
      return Number(digits);
    }
    return Buffer.from(p, 'utf8');
  });
}

/**
 * The raw value at `path` in `buf[start, end)` (a string between its quotes,
 * anything else as written), or null when the path is absent or the JSON is
 * malformed on the way.
 */
export function jsonGet(buf: Uint8Array, path: JsonPath): { start: number; end: number } | null {
  return getAt(buf, 0, buf.length, path);
}

function getAt(buf: Uint8Array, start: number, end: number, path: JsonPath): { start: number; end: number } | null {
  const offset = path.length === 0 ? start : searchKeys(buf, start, end, path);
  if (offset < 0) return null;
  const v: Value = { type: 0, start: 0, end: 0, next: 0 };
  if (!readValue(buf, offset, end, v)) return null;
  return { start: v.start, end: v.end };
}

/**
 * jsonparser's searchKeys: the position just after the `:` of the last key of
 * `path`, or -1. Objects are entered only below a key that matched, arrays
 * only for an index step.
 */
function searchKeys(buf: Uint8Array, start: number, end: number, path: JsonPath): number {
  let keyLevel = 0;
  let level = 0;
  let lastMatched = true;
  const depth = path.length;
  if (depth === 0) return start;
  for (let i = start; i < end; i++) {
    switch (buf[i]) {
      case QUOTE: {
        const keyBegin = i + 1;
        const se = stringEnd(buf, keyBegin, end);
        if (se < 0) return -1;
        const escaped = lastEscaped;
        const keyEnd = se - 1;
        const at = nextToken(buf, se, end);
        if (at < 0) return -1;
        i = at;
        if (buf[i] !== COLON) {
          i--;
          break;
        }
        if (level < 1) return -1;
        if (level > depth) return -1;
        let key: Uint8Array = buf;
        let ks = keyBegin;
        let ke = keyEnd;
        if (escaped) {
          const u = unescapeKey(buf, keyBegin, keyEnd);
          if (u === null) return -1;
          key = u;
          ks = 0;
          ke = u.length;
        }
        const want = path[level - 1];
        if (want instanceof Uint8Array && sameBytes(key, ks, ke, want)) {
          lastMatched = true;
          if (keyLevel === level - 1) {
            keyLevel++;
            if (keyLevel === depth) return i + 1;
          }
        } else {
          lastMatched = false;
        }
        break;
      }
      case OPEN_BRACE:
        if (!lastMatched) {
          const be = blockEnd(buf, i, end, OPEN_BRACE, CLOSE_BRACE);
          if (be < 0) return -1;
          i = be - 1;
        } else {
          level++;
        }
        break;
      case CLOSE_BRACE:
        level--;
        if (level === keyLevel) keyLevel--;
        break;
      case OPEN_BRACKET: {
        const step = path[level];
        if (keyLevel === level && step !== undefined && !(step instanceof Uint8Array)) {
          // An index step (a malformed one, null, never matches).
          if (step === null) return -1;
          // The rest of the path is looked for within that element only.
          const element = arrayElement(buf, i, end, step);
          if (element < 0) return -1;
          return searchKeys(buf, element, elementEnd, path.slice(level + 1));
        }
        const be = blockEnd(buf, i, end, OPEN_BRACKET, CLOSE_BRACKET);
        if (be < 0) return -1;
        i = be - 1;
        break;
      }
      case COLON:
        return -1;
    }
  }
  return -1;
}

/** Set by arrayElement: where the element it found ends. */
let elementEnd = 0;

/**
 * The position where element `index` of the array opened at `start` begins
 * (its opening quote for a string), or -1 when the array is shorter or
 * malformed before it.
 */
function arrayElement(buf: Uint8Array, start: number, end: number, index: number): number {
  let pos = nextToken(buf, start + 1, end);
  if (pos < 0 || buf[pos] === CLOSE_BRACKET) return -1;
  const v: Value = { type: 0, start: 0, end: 0, next: 0 };
  for (let n = 0; ; n++) {
    if (!readValue(buf, pos, end, v)) return -1;
    if (n === index) {
      elementEnd = v.next;
      return v.type === TYPE_STRING ? v.start - 1 : v.start;
    }
    pos = nextToken(buf, v.next, end);
    if (pos < 0 || buf[pos] === CLOSE_BRACKET || buf[pos] !== COMMA) return -1;
    pos++;
  }
}
