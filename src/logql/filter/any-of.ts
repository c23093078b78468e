// `a or b or c`: a line matches when any member does. Each member only scans
// the lines that no earlier member matched.
import { ensureCapacity, subtractSorted } from './block.js';
import { type Lit, minimizeAnyOf } from './lit.js';
import { type LineMatcher, matchEverything } from './matcher.js';
import type { ScanBlock } from './scan-block.js';

class AnyOfMatcher implements LineMatcher {
  readonly required: readonly Lit[] | null;
  readonly matchesEverything = false;
  private rest: Uint32Array = new Uint32Array(0);
  private hits: Uint32Array = new Uint32Array(0);

  constructor(readonly members: readonly LineMatcher[]) {
    const all: Lit[] = [];
    let known = true;
    for (const m of members) {
      if (m.required === null) known = false;
      else all.push(...m.required);
    }
    this.required = known ? minimizeAnyOf(all) : null;
  }

  matchString(line: string): boolean {
    for (const m of this.members) if (m.matchString(line)) return true;
    return false;
  }

  matchBytes(buf: Buffer, start: number, end: number): boolean {
    for (const m of this.members) if (m.matchBytes(buf, start, end)) return true;
    return false;
  }

  select(block: ScanBlock, sel: Uint32Array, selCount: number, out: Uint32Array): number {
    this.rest = ensureCapacity(this.rest, selCount);
    this.hits = ensureCapacity(this.hits, selCount);
    const { rest, hits } = this;
    rest.set(sel.subarray(0, selCount));
    let restCount = selCount;
    for (const m of this.members) {
      const found = m.select(block, rest, restCount, hits);
      if (found === 0) continue;
      restCount = subtractSorted(rest, restCount, hits, found, rest);
      if (restCount === 0) break;
    }
    return subtractSorted(sel, selCount, rest, restCount, out);
  }

  describe(): string {
    return `anyOf(${this.members.map((m) => m.describe()).join(', ')})`;
  }
}

/**
 * A matcher for "any of `members`": nested unions are flattened, and a
 * substring test implied by another (`bar` when `b` is also searched) dropped.
 */
export function anyOf(members: readonly LineMatcher[]): LineMatcher {
  if (members.length === 0) throw new RangeError('anyOf needs at least one member');
  const flat = members.flatMap((m) => (m instanceof AnyOfMatcher ? m.members : [m]));
  if (flat.some((m) => m.matchesEverything)) return matchEverything;
  const literals = flat.flatMap((m) => (m.containsLiteral ? [m.containsLiteral] : []));
  const kept = new Set(minimizeAnyOf(literals));
  const reduced = flat.filter((m) => !m.containsLiteral || kept.has(m.containsLiteral));
  return reduced.length === 1 ? reduced[0]! : new AnyOfMatcher(reduced);
}

/** How many tests a union runs per line (1 for any other matcher). */
export function unionSize(m: LineMatcher): number {
  return m instanceof AnyOfMatcher ? m.members.length : 1;
}
