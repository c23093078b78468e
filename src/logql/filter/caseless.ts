// `(?i)needle` for ASCII needles, the case-insensitive literal that Loki's
// regexp simplification produces (e.g. `|~ "(?i)error"`).
//
// Blocks are lower-cased once into a scratch copy shared by all folded
// needles of the filter, and searched there with Buffer.indexOf. Lines that
// contain KELVIN SIGN or LONG S, the only non-ASCII characters folding to
// ASCII letters, are re-checked one by one when the needle has a 'k' or 's'.
import {
  foldCompareString,
  foldContains,
  foldIndexOfString,
  foldMatchBackward,
  foldMatchForward,
  KELVIN_SIGN,
  LONG_S,
  needsUnicodeFolds,
} from './ascii-fold.js';
import { ensureCapacity, unionSorted } from './block.js';
import { asciiLower, type Lit } from './lit.js';
import { selectContaining } from './literal.js';
import type { LineMatcher } from './matcher.js';
import type { ScanBlock } from './scan-block.js';

export class ContainsFoldMatcher implements LineMatcher {
  readonly required: readonly Lit[];
  readonly containsLiteral: Lit;
  readonly matchesEverything = false;
  private readonly lower: string;
  private readonly needle: Buffer;
  private readonly unicodeFolds: boolean;
  private found: Uint32Array = new Uint32Array(0);
  private special: Uint32Array = new Uint32Array(0);
  private specialTmp: Uint32Array = new Uint32Array(0);
  private merged: Uint32Array = new Uint32Array(0);

  /** `text` must be non-empty ASCII. */
  constructor(text: string) {
    this.lower = asciiLower(text);
    this.needle = Buffer.from(this.lower, 'latin1');
    this.unicodeFolds = needsUnicodeFolds(this.needle);
    this.containsLiteral = { text: this.lower, fold: true };
    this.required = [this.containsLiteral];
  }

  matchString(line: string): boolean {
    return foldIndexOfString(line, this.lower) >= 0;
  }

  matchBytes(buf: Buffer, start: number, end: number): boolean {
    return foldContains(buf, start, end, this.needle);
  }

  select(block: ScanBlock, sel: Uint32Array, selCount: number, out: Uint32Array): number {
    const folded = block.folded();
    const { offsets } = block;
    if (!this.unicodeFolds || !block.foldedHasNonAscii()) {
      return selectContaining(folded, offsets, this.needle, sel, selCount, out);
    }
    const specials = this.linesWithUnicodeFolds(block, sel, selCount);
    if (specials === 0) return selectContaining(folded, offsets, this.needle, sel, selCount, out);
    // Rare path: lines with KELVIN SIGN / LONG S get the exact byte-level test.
    this.found = ensureCapacity(this.found, selCount);
    const found = this.found;
    const n = selectContaining(folded, offsets, this.needle, sel, selCount, found);
    let extra = 0;
    const special = this.special;
    for (let i = 0; i < specials; i++) {
      const line = special[i]!;
      if (foldContains(block.lines, offsets[line]!, offsets[line + 1]!, this.needle)) special[extra++] = line;
    }
    if (extra === 0) {
      out.set(found.subarray(0, n));
      return n;
    }
    this.merged = ensureCapacity(this.merged, n + extra);
    const total = unionSorted(found, n, special, extra, this.merged);
    out.set(this.merged.subarray(0, total));
    return total;
  }

  /** Collects into this.special the selected lines holding KELVIN SIGN or LONG S. */
  private linesWithUnicodeFolds(block: ScanBlock, sel: Uint32Array, selCount: number): number {
    this.special = ensureCapacity(this.special, selCount);
    this.specialTmp = ensureCapacity(this.specialTmp, selCount);
    this.merged = ensureCapacity(this.merged, selCount);
    const a = selectContaining(block.lines, block.offsets, KELVIN_SIGN, sel, selCount, this.special);
    const b = selectContaining(block.lines, block.offsets, LONG_S, sel, selCount, this.specialTmp);
    if (b === 0) return a;
    const total = unionSorted(this.special, a, this.specialTmp, b, this.merged);
    this.special.set(this.merged.subarray(0, total));
    return total;
  }

  describe(): string {
    return `containsFold(${JSON.stringify(this.lower)})`;
  }
}

export type AnchorKind = 'prefix' | 'suffix' | 'equals';

/**
 * `^lit`, `lit$` and `^lit$` (Go's ^ and $ without (?m) anchor at the text
 * edges, i.e. the line edges). Case-sensitive or ASCII case-insensitive.
 */
export class AnchoredMatcher implements LineMatcher {
  readonly required: readonly Lit[] | null;
  readonly matchesEverything = false;
  private readonly fold: boolean;
  private readonly text: string;
  private readonly needle: Buffer;

  constructor(
    private readonly kind: AnchorKind,
    literal: Lit,
  ) {
    this.fold = literal.fold;
    this.text = literal.fold ? asciiLower(literal.text) : literal.text;
    this.needle = Buffer.from(this.text);
    this.required = this.text === '' ? null : [{ text: this.text, fold: this.fold }];
  }

  matchString(line: string): boolean {
    const { kind, text } = this;
    if (!this.fold) {
      if (kind === 'prefix') return line.startsWith(text);
      if (kind === 'suffix') return line.endsWith(text);
      return line === text;
    }
    if (kind === 'prefix') return foldCompareString(line, text, 0);
    if (kind === 'suffix') return foldCompareString(line, text, line.length - text.length);
    return line.length === text.length && foldCompareString(line, text, 0);
  }

  matchBytes(buf: Buffer, start: number, end: number): boolean {
    const { kind, needle } = this;
    if (this.fold) {
      if (kind === 'prefix') return foldMatchForward(buf, start, end, needle) >= 0;
      if (kind === 'suffix') return foldMatchBackward(buf, start, end, needle) >= 0;
      return foldMatchForward(buf, start, end, needle) === end;
    }
    const len = needle.length;
    if (kind === 'equals' ? end - start !== len : end - start < len) return false;
    const at = kind === 'suffix' ? end - len : start;
    for (let j = 0; j < len; j++) if (buf[at + j] !== needle[j]) return false;
    return true;
  }

  select(block: ScanBlock, sel: Uint32Array, selCount: number, out: Uint32Array): number {
    const { lines, offsets } = block;
    let n = 0;
    for (let k = 0; k < selCount; k++) {
      const line = sel[k]!;
      if (this.matchBytes(lines, offsets[line]!, offsets[line + 1]!)) out[n++] = line;
    }
    return n;
  }

  describe(): string {
    return `${this.kind}${this.fold ? 'Fold' : ''}(${JSON.stringify(this.text)})`;
  }
}
