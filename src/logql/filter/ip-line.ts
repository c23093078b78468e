// `|= ip("...")` as a line matcher: the Loki address scan of ip.ts, behind a
// search for the IPv4 octets every matching address must spell out.
import { ensureCapacity } from './block.js';
import type { IpPattern } from './ip.js';
import type { Lit } from './lit.js';
import { selectContaining } from './literal.js';
import type { LineMatcher } from './matcher.js';
import type { ScanBlock } from './scan-block.js';

export class IpLineMatcher implements LineMatcher {
  readonly required: readonly Lit[] | null;
  readonly matchesEverything = false;
  private readonly prefix: Buffer | null;
  private candidates: Uint32Array = new Uint32Array(0);

  constructor(
    private readonly pattern: IpPattern,
    private readonly source: string,
  ) {
    const text = pattern.requiredText;
    this.prefix = text ? Buffer.from(text) : null;
    this.required = text ? [{ text, fold: false }] : null;
  }

  matchString(line: string): boolean {
    return this.pattern.matchesLineString(line);
  }

  matchBytes(buf: Buffer, start: number, end: number): boolean {
    return this.pattern.matchesLineBytes(buf, start, end);
  }

  select(block: ScanBlock, sel: Uint32Array, selCount: number, out: Uint32Array): number {
    const { lines, offsets } = block;
    let cand = sel;
    let count = selCount;
    if (this.prefix) {
      this.candidates = ensureCapacity(this.candidates, selCount);
      cand = this.candidates;
      count = selectContaining(lines, offsets, this.prefix, sel, selCount, cand);
    }
    let n = 0;
    for (let k = 0; k < count; k++) {
      const line = cand[k]!;
      if (this.pattern.matchesLineBytes(lines, offsets[line]!, offsets[line + 1]!)) out[n++] = line;
    }
    return n;
  }

  describe(): string {
    return `ip(${JSON.stringify(this.source)})`;
  }
}
