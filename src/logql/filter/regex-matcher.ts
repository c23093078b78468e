// `|~ "re"` when no literal rewrite exists: the RE2 engine, behind an
// optional literal prefilter.
//
// Per-line calls cost a native call and a Buffer view per line. When the
// regexp can neither match a newline nor depends on the text edges (^, $,
// \A, \z outside (?m)), the candidate lines are instead copied into one
// buffer, separated by \n, and searched with one call per hit: no match can
// then span two lines, and (?m) anchors and \b see the same neighbours as in
// the line alone. A hit costs far more than a per-line test, so a block that
// turns out to be hit-dense finishes line by line.

import type { GoRegexp } from '../../util/regexp.js';
import { regexpEngine } from '../../util/regexp.js';
import { ensureCapacity, seekLastStartAtOrBefore } from './block.js';
import type { Lit } from './lit.js';
import type { LineMatcher } from './matcher.js';
import type { ScanBlock } from './scan-block.js';

/** Below this many candidate lines, building the joined copy does not pay off. */
const MIN_JOINED_LINES = 32;
/** Switch to per-line tests once more than one line in this many is a hit. */
const DENSE_HIT_RATIO = 8;
const MIN_HITS_BEFORE_SWITCH = 16;

export interface RegexMatcherOptions {
  /** The regexp as written: used for per-line tests. */
  readonly regexp: GoRegexp;
  /** Equivalent regexp used to locate hits in joined lines (e.g. without capture groups). */
  readonly scanRegexp?: GoRegexp;
  /** Lines this rejects cannot match. */
  readonly prefilter?: LineMatcher | null;
  /** The regexp can be run over \n-joined lines (see above). */
  readonly joinable: boolean;
  readonly required?: readonly Lit[] | null;
  /** Set when the regexp is exactly "contains this literal" (e.g. a folded non-ASCII literal). */
  readonly containsLiteral?: Lit;
  /** For describe(). */
  readonly label?: string;
}

export class RegexMatcher implements LineMatcher {
  readonly required: readonly Lit[] | null;
  readonly containsLiteral: Lit | undefined;
  readonly matchesEverything = false;
  private readonly re: GoRegexp;
  private readonly scanRe: GoRegexp;
  private readonly prefilter: LineMatcher | null;
  private readonly joinable: boolean;
  private readonly label: string;
  private candidates: Uint32Array = new Uint32Array(0);
  private starts: Uint32Array = new Uint32Array(0);
  private joined: Buffer = Buffer.alloc(0);

  constructor(options: RegexMatcherOptions) {
    this.re = options.regexp;
    this.scanRe = options.scanRegexp ?? options.regexp;
    this.prefilter = options.prefilter ?? null;
    this.joinable = options.joinable && regexpEngine === 'native';
    this.required = options.required ?? null;
    this.containsLiteral = options.containsLiteral;
    this.label = options.label ?? `regexp(${JSON.stringify(this.re.source)})`;
  }

  matchString(line: string): boolean {
    return this.re.test(line);
  }

  matchBytes(buf: Buffer, start: number, end: number): boolean {
    return this.re.testBytes(start === 0 && end === buf.length ? buf : buf.subarray(start, end));
  }

  select(block: ScanBlock, sel: Uint32Array, selCount: number, out: Uint32Array): number {
    let cand = sel;
    let count = selCount;
    if (this.prefilter) {
      this.candidates = ensureCapacity(this.candidates, selCount);
      cand = this.candidates;
      count = this.prefilter.select(block, sel, selCount, cand);
      if (count === 0) return 0;
    }
    if (this.joinable && count >= MIN_JOINED_LINES) return this.selectJoined(block, cand, count, out);
    return this.selectPerLine(block, cand, 0, count, out, 0);
  }

  private selectPerLine(
    block: ScanBlock,
    cand: Uint32Array,
    from: number,
    count: number,
    out: Uint32Array,
    n: number,
  ): number {
    const { lines, offsets } = block;
    const re = this.re;
    for (let k = from; k < count; k++) {
      const line = cand[k]!;
      if (re.testBytes(lines.subarray(offsets[line]!, offsets[line + 1]!))) out[n++] = line;
    }
    return n;
  }

  private selectJoined(block: ScanBlock, cand: Uint32Array, count: number, out: Uint32Array): number {
    const { lines, offsets } = block;
    let size = count;
    for (let k = 0; k < count; k++) size += offsets[cand[k]! + 1]! - offsets[cand[k]!]!;
    if (this.joined.length < size) this.joined = Buffer.allocUnsafe(Math.max(size, this.joined.length * 2));
    this.starts = ensureCapacity(this.starts, count + 1);
    const { joined, starts } = this;
    let p = 0;
    for (let k = 0; k < count; k++) {
      const line = cand[k]!;
      starts[k] = p;
      p += lines.copy(joined, p, offsets[line]!, offsets[line + 1]!);
      joined[p++] = 0x0a;
    }
    starts[count] = p;
    const text = joined.subarray(0, p);
    let n = 0;
    let k = 0;
    while (k < count) {
      const m = this.scanRe.execBytes(text, starts[k]!);
      // A match at the very end (after the last separator) belongs to no line.
      if (!m || m[0]! >= p) break;
      const j = seekLastStartAtOrBefore(starts, k, count, m[0]!);
      out[n++] = cand[j]!;
      k = j + 1;
      if (n >= MIN_HITS_BEFORE_SWITCH && n * DENSE_HIT_RATIO > k)
        return this.selectPerLine(block, cand, k, count, out, n);
    }
    return n;
  }

  describe(): string {
    return this.prefilter ? `${this.label} after ${this.prefilter.describe()}` : this.label;
  }
}
