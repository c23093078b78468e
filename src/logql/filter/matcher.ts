// The building block of compiled line filters: a test of one line, in three
// forms (string, bytes, and a whole selection of a block at once).
import { copySelection } from './block.js';
import type { Lit } from './lit.js';
import type { ScanBlock } from './scan-block.js';

export interface LineMatcher {
  matchString(line: string): boolean;
  /** Whether the line buf[start..end) matches. */
  matchBytes(buf: Buffer, start: number, end: number): boolean;
  /**
   * Writes to `out` the entries of sel[0..selCount) whose line matches, in
   * order, and returns their number. `out` may be `sel`.
   */
  select(block: ScanBlock, sel: Uint32Array, selCount: number, out: Uint32Array): number;
  /** Every matching line contains one of these; null when no such set is known. */
  readonly required: readonly Lit[] | null;
  /** Set when the matcher is exactly "the line contains this literal". */
  readonly containsLiteral?: Lit;
  /** True for the matcher that accepts every line. */
  readonly matchesEverything: boolean;
  describe(): string;
}

/** Accepts every line, e.g. `|= ""` or `|~ ".*"`. */
export const matchEverything: LineMatcher = {
  matchString: () => true,
  matchBytes: () => true,
  select: (_block, sel, selCount, out) => copySelection(sel, selCount, out),
  required: null,
  matchesEverything: true,
  describe: () => 'everything',
};
