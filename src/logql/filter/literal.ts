// `|= "needle"`: a case-sensitive substring test. On blocks the whole buffer
// is searched with Buffer.indexOf (memchr-class speed) and each hit is mapped
// to its line, instead of searching line by line.
import { seekLineEndingAfter } from './block.js';
import type { Lit } from './lit.js';
import type { LineMatcher } from './matcher.js';
import type { ScanBlock } from './scan-block.js';

/**
 * Selects the lines of sel whose bytes in `hay` contain `needle` (non-empty).
 * `hay` is the block buffer or a same-layout copy of it. `out` may be `sel`.
 */
export function selectContaining(
  hay: Buffer,
  offsets: Uint32Array,
  needle: Buffer,
  sel: Uint32Array,
  selCount: number,
  out: Uint32Array,
): number {
  const len = needle.length;
  let n = 0;
  let k = 0;
  // The first occurrence at or after the current line start, once searched for.
  let hit = -1;
  while (k < selCount) {
    const line = sel[k]!;
    const start = offsets[line]!;
    const end = offsets[line + 1]!;
    if (hit < start) {
      if (end - start < len) {
        k++;
        continue;
      }
      hit = hay.indexOf(needle, start);
      if (hit < 0) break;
    }
    if (hit + len <= end) {
      out[n++] = line;
      k++;
    } else if (hit < end) {
      // The occurrence runs past the end of the line, and any later one
      // starting inside the line would too: no match here.
      k++;
    } else {
      k = seekLineEndingAfter(offsets, sel, k + 1, selCount, hit);
    }
  }
  return n;
}

/** Beyond this many trailing bytes, bounded searches use a view instead of a whole-buffer indexOf. */
const UNBOUNDED_SEARCH_SLACK = 256;

/** Whether buf[start..end) contains needle. */
export function containsWithin(buf: Buffer, start: number, end: number, needle: Buffer): boolean {
  if (end - start < needle.length) return false;
  if (buf.length - end <= UNBOUNDED_SEARCH_SLACK) {
    const at = buf.indexOf(needle, start);
    return at >= 0 && at + needle.length <= end;
  }
  return buf.subarray(start, end).indexOf(needle) >= 0;
}

/** Position of the first needle in buf[from..end) or -1. */
export function indexWithin(buf: Buffer, needle: Buffer, from: number, end: number): number {
  if (end - from < needle.length) return -1;
  if (buf.length - end <= UNBOUNDED_SEARCH_SLACK) {
    const at = buf.indexOf(needle, from);
    return at >= 0 && at + needle.length <= end ? at : -1;
  }
  const at = buf.subarray(from, end).indexOf(needle);
  return at < 0 ? -1 : from + at;
}

export class ContainsMatcher implements LineMatcher {
  readonly required: readonly Lit[];
  readonly containsLiteral: Lit;
  readonly matchesEverything = false;
  private readonly needle: Buffer;

  /** `text` must not be empty (an empty needle matches everything). */
  constructor(private readonly text: string) {
    this.needle = Buffer.from(text);
    this.containsLiteral = { text, fold: false };
    this.required = [this.containsLiteral];
  }

  matchString(line: string): boolean {
    return line.includes(this.text);
  }

  matchBytes(buf: Buffer, start: number, end: number): boolean {
    return containsWithin(buf, start, end, this.needle);
  }

  select(block: ScanBlock, sel: Uint32Array, selCount: number, out: Uint32Array): number {
    return selectContaining(block.lines, block.offsets, this.needle, sel, selCount, out);
  }

  describe(): string {
    return `contains(${JSON.stringify(this.text)})`;
  }
}
