// Encodings used by Loki's template functions, with Go's exact behaviour:
// encoding/base64's standard decoder (its CorruptInputError offsets,
// skipped newlines) and go-humanize's ParseBytes.
import { parseFloat64 } from './strconv.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(256).fill(-1);
for (let i = 0; i < B64.length; i++) DECODE[B64.charCodeAt(i)] = i;
const PAD = 0x3d;

export class CorruptInputError extends Error {
  override name = 'CorruptInputError';
  constructor(offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
  }
}

/** base64.StdEncoding.EncodeToString of the UTF-8 bytes. */
export function base64Encode(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

function isNewline(c: number): boolean {
  return c === 0x0a || c === 0x0d;
}

/**
 * base64.StdEncoding.DecodeString: decodes quantum by quantum like Go, so a
 * corrupt input fails at the same byte offset. Returns the decoded bytes.
 */
export function base64Decode(s: string): Buffer {
  const src = Buffer.from(s, 'utf8');
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Buffer.from(out);
        // Standard encoding requires padding: a short final quantum is corrupt.
        throw new CorruptInputError(si - j);
      }
      const c = src[si]!;
      si++;
      const d = DECODE[c]!;
      if (d >= 0) {
        dbuf[j] = d;
        continue;
      }
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (c !== PAD) throw new CorruptInputError(si - 1);
      // Padding: only after two or three data characters.
      if (j === 0 || j === 1) throw new CorruptInputError(si - 1);
      if (j === 2) {
        // "==" is expected; the first "=" is consumed.
        while (si < src.length && isNewline(src[si]!)) si++;
        if (si === src.length) throw new CorruptInputError(src.length);
        if (src[si] !== PAD) throw new CorruptInputError(si - 1);
        si++;
      }
      while (si < src.length && isNewline(src[si]!)) si++;
      const dlen = j;
      const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
      if (dlen >= 2) out.push((val >> 16) & 0xff);
      if (dlen >= 3) out.push((val >> 8) & 0xff);
      // Anything after the padding is trailing garbage.
      if (si < src.length) throw new CorruptInputError(si);
      return Buffer.from(out);
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    out.push((val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff);
  }
  return Buffer.from(out);
}

const BYTE_SIZES: ReadonlyMap<string, number> = new Map([
  ['b', 1],
  ['kib', 1024],
  ['kb', 1000],
  ['mib', 1024 ** 2],
  ['mb', 1000 ** 2],
  ['gib', 1024 ** 3],
  ['gb', 1000 ** 3],
  ['tib', 1024 ** 4],
  ['tb', 1000 ** 4],
  ['pib', 1024 ** 5],
  ['pb', 1000 ** 5],
  ['eib', 1024 ** 6],
  ['eb', 1000 ** 6],
  ['', 1],
  ['ki', 1024],
  ['k', 1000],
  ['mi', 1024 ** 2],
  ['m', 1000 ** 2],
  ['gi', 1024 ** 3],
  ['g', 1000 ** 3],
  ['ti', 1024 ** 4],
  ['t', 1000 ** 4],
  ['pi', 1024 ** 5],
  ['p', 1000 ** 5],
  ['ei', 1024 ** 6],
  ['e', 1000 ** 6],
]);

const DIGIT_LIKE = /^[\p{Nd}.,]$/u;
const GO_SPACES =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/gu;

/** humanize.ParseBytes("42 MB") -> 42000000. Throws Error with go-humanize's message. */
export function parseBytes(s: string): number {
  let end = 0;
  let hasComma = false;
  for (const ch of s) {
    if (!DIGIT_LIKE.test(ch)) break;
    if (ch === ',') hasComma = true;
    end += ch.length;
  }
  let num = s.slice(0, end);
  if (hasComma) num = num.replaceAll(',', '');
  const f = parseFloat64(num);
  if (!f.ok) {
    const why = f.range ? 'value out of range' : 'invalid syntax';
    throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(num)}: ${why}`);
  }
  const extra = s.slice(end).replace(GO_SPACES, '').toLowerCase();
  const m = BYTE_SIZES.get(extra);
  if (m === undefined) throw new Error(`unhandled size name: ${extra}`);
  const v = f.value * m;
  if (v >= 2 ** 64) throw new Error(`too large: ${s}`);
  // uint64(f): truncation toward zero (negative values cannot reach here: '-' is not a digit).
  return Math.trunc(v);
}
