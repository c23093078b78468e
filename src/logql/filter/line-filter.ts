// Compiles a LogQL line filter stage (`|= "a" or "b"`, `!~ "re"`, `|> "p"`,
// `|= ip("...")`) into a LineFilter over strings, bytes and decoded blocks.
import { anyOf } from './any-of.js';
import { KELVIN_SIGN, LONG_S, lowerAsciiCopy } from './ascii-fold.js';
import { copySelection, ensureCapacity, subtractSorted } from './block.js';
import { IP_INVALID_OPERATION, LineFilterError } from './errors.js';
import { compileIpPattern } from './ip.js';
import { IpLineMatcher } from './ip-line.js';
import { asciiLower, byteComparable, type Lit } from './lit.js';
import { ContainsMatcher } from './literal.js';
import { type LineMatcher, matchEverything } from './matcher.js';
import { PatternMatcher } from './pattern.js';
import { planRegexMatcher } from './regex-plan.js';
import { ScanBlock } from './scan-block.js';
import type {
  LineFilter,
  LineFilterHints,
  LineFilterOp,
  LineFilterSpec,
  LineFilterValue,
  RequiredLiteral,
} from './types.js';

/**
 * Compiles a line filter. Throws RegexpSyntaxError (Go's wording) for bad
 * regexps, IpPatternError for bad ip() patterns, and LineFilterError for bad
 * pattern filters or ip() under an operator other than |= and !=.
 */
export function compileLineFilter(spec: LineFilterSpec): LineFilter {
  if (spec.values.length === 0) throw new RangeError('a line filter needs at least one value');
  const negated = spec.op[0] === '!';
  // `|= a or b` keeps lines matching any value; `!= a or b` those matching none.
  const positive = anyOf(spec.values.map((v) => valueMatcher(spec.op, v)));
  return new CompiledLineFilter(spec, positive, negated);
}

function valueMatcher(op: LineFilterOp, value: LineFilterValue): LineMatcher {
  if (value.type === 'ip') {
    if (op !== '|=' && op !== '!=') throw new LineFilterError(IP_INVALID_OPERATION);
    return new IpLineMatcher(compileIpPattern(value.value), value.value);
  }
  switch (op) {
    case '|=':
    case '!=':
      return value.value === '' ? matchEverything : new ContainsMatcher(value.value);
    case '|~':
    case '!~':
      return planRegexMatcher(value.value);
    case '|>':
    case '!>':
      return new PatternMatcher(value.value);
  }
}

class CompiledLineFilter implements LineFilter {
  readonly hints: LineFilterHints;
  private readonly block = new ScanBlock();
  private matched: Uint32Array = new Uint32Array(0);

  constructor(
    readonly spec: LineFilterSpec,
    private readonly positive: LineMatcher,
    private readonly negated: boolean,
  ) {
    this.hints = hintsOf(positive, negated);
  }

  matchString(line: string): boolean {
    return this.positive.matchString(line) !== this.negated;
  }

  matchBytes(buf: Buffer, start: number, end: number): boolean {
    return this.positive.matchBytes(buf, start, end) !== this.negated;
  }

  filterBlock(lines: Buffer, offsets: Uint32Array, sel: Uint32Array, selCount: number, out: Uint32Array): number {
    if (selCount === 0) return 0;
    if (this.positive.matchesEverything) return this.negated ? 0 : copySelection(sel, selCount, out);
    const { block } = this;
    block.reset(lines, offsets, sel, selCount);
    try {
      if (!this.negated) return this.positive.select(block, sel, selCount, out);
      this.matched = ensureCapacity(this.matched, selCount);
      const found = this.positive.select(block, sel, selCount, this.matched);
      return subtractSorted(sel, selCount, this.matched, found, out);
    } finally {
      // Do not keep the caller's block alive between calls.
      block.reset(EMPTY, EMPTY_OFFSETS, EMPTY_OFFSETS, 0);
    }
  }

  mayPassAnyLine(text: Buffer): boolean {
    const { constant, literals } = this.hints;
    if (constant !== null) return constant === 'all';
    if (literals?.absentMeans !== 'none') return true;
    return containsAnyLiteral(text, literals.anyOf);
  }

  passesEveryLine(text: Buffer): boolean {
    const { constant, literals } = this.hints;
    if (constant !== null) return constant === 'all';
    if (literals?.absentMeans !== 'all') return false;
    return !containsAnyLiteral(text, literals.anyOf);
  }

  describe(): string {
    const inner = this.positive.describe();
    return this.negated ? `not(${inner})` : inner;
  }
}

const EMPTY = Buffer.alloc(0);
const EMPTY_OFFSETS = new Uint32Array(1);

function hintsOf(positive: LineMatcher, negated: boolean): LineFilterHints {
  if (positive.matchesEverything) return { constant: negated ? 'none' : 'all', literals: null };
  const comparable = positive.required?.map(byteComparable);
  if (!comparable || comparable.length === 0 || comparable.some((l) => l === null)) {
    return { constant: null, literals: null };
  }
  return {
    constant: null,
    literals: { anyOf: (comparable as Lit[]).map(toRequiredLiteral), absentMeans: negated ? 'all' : 'none' },
  };
}

/** Whether text contains one of the literals; errs towards true for folded ones. */
function containsAnyLiteral(text: Buffer, literals: readonly RequiredLiteral[]): boolean {
  let lowered: Buffer | null = null;
  for (const l of literals) {
    if (!l.caseInsensitive) {
      if (text.indexOf(l.bytes) >= 0) return true;
      continue;
    }
    // Rare characters folding into ASCII letters: don't bother, say yes.
    if (text.indexOf(KELVIN_SIGN) >= 0 || text.indexOf(LONG_S) >= 0) return true;
    lowered ??= lowerAsciiCopy(text);
    if (lowered.indexOf(l.bytes) >= 0) return true;
  }
  return false;
}

function toRequiredLiteral(l: Lit): RequiredLiteral {
  const text = l.fold ? asciiLower(l.text) : l.text;
  return { text: l.text, bytes: Buffer.from(text), caseInsensitive: l.fold };
}
