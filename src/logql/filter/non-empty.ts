// `|~ ".+"` and `|~ "(?s).+"`: the line has a character other than \n, or
// any character at all. In Go an invalid UTF-8 byte counts as a character.
import type { Lit } from './lit.js';
import type { LineMatcher } from './matcher.js';
import type { ScanBlock } from './scan-block.js';

export class NotOnlyNewlinesMatcher implements LineMatcher {
  readonly required: readonly Lit[] | null = null;
  readonly matchesEverything = false;

  /** With `newlineCounts`, any non-empty line matches. */
  constructor(private readonly newlineCounts: boolean) {}

  matchString(line: string): boolean {
    if (this.newlineCounts) return line.length > 0;
    for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) !== 0x0a) return true;
    return false;
  }

  matchBytes(buf: Buffer, start: number, end: number): boolean {
    if (this.newlineCounts) return end > start;
    for (let p = start; p < end; p++) if (buf[p] !== 0x0a) return true;
    return false;
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
    return this.newlineCounts ? 'nonEmpty' : 'hasNonNewline';
  }
}
