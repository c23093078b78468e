// The block being filtered, plus work shared by the matchers of one filter
// while they scan it (currently: an ASCII lower-cased copy for folded needles).
import { lowerAsciiBytes, lowerAsciiWords } from './ascii-fold.js';

const EMPTY_OFFSETS = new Uint32Array(1);

export class ScanBlock {
  lines: Buffer = Buffer.alloc(0);
  offsets: Uint32Array = EMPTY_OFFSETS;
  private sel: Uint32Array = EMPTY_OFFSETS;
  private selCount = 0;

  // Own ArrayBuffer (offset 0), so that an Int32Array can view it for word-wise lowering.
  private foldBuf: Buffer = Buffer.allocUnsafeSlow(0);
  private foldWords: Int32Array = new Int32Array(0);
  private foldReady = false;
  private foldNonAscii = false;

  /** Starts a new scan. Matchers only ever look at lines of `sel`. */
  reset(lines: Buffer, offsets: Uint32Array, sel: Uint32Array, selCount: number): void {
    this.lines = lines;
    this.offsets = offsets;
    this.sel = sel;
    this.selCount = selCount;
    this.foldReady = false;
  }

  /**
   * A buffer in which every selected line sits at its original offset with
   * ASCII letters lower-cased. Bytes outside selected lines are unspecified.
   * Built once per scan, on first use.
   */
  folded(): Buffer {
    if (!this.foldReady) this.buildFolded();
    return this.foldBuf;
  }

  /** Whether the folded lines contain non-ASCII bytes (may err towards true). Call after folded(). */
  foldedHasNonAscii(): boolean {
    return this.foldNonAscii;
  }

  private buildFolded(): void {
    const { lines, offsets, sel, selCount } = this;
    this.foldReady = true;
    this.foldNonAscii = false;
    if (selCount === 0) return;
    const size = (lines.length + 3) & ~3;
    if (this.foldBuf.length < size) {
      this.foldBuf = Buffer.allocUnsafeSlow(Math.max(size, this.foldBuf.length * 2));
      this.foldWords = new Int32Array(this.foldBuf.buffer, 0, this.foldBuf.length >> 2);
    }
    const first = offsets[sel[0]!]!;
    const last = offsets[sel[selCount - 1]! + 1]!;
    let alive = 0;
    for (let k = 0; k < selCount; k++) alive += offsets[sel[k]! + 1]! - offsets[sel[k]!]!;
    if (alive * 4 >= last - first) {
      // Dense: one copy of the whole span, then lower it a word at a time.
      const from = first & ~3;
      lines.copy(this.foldBuf, from, from, last);
      this.foldNonAscii = lowerAsciiWords(this.foldWords, from >> 2, (last + 3) >> 2);
      return;
    }
    let nonAscii = false;
    for (let k = 0; k < selCount; k++) {
      const line = sel[k]!;
      nonAscii = lowerAsciiBytes(lines, this.foldBuf, offsets[line]!, offsets[line + 1]!) || nonAscii;
    }
    this.foldNonAscii = nonAscii;
  }
}
