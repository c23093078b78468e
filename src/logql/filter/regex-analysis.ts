// Facts about a parsed regexp that decide how a line filter runs it: the
// exact (finite) set of strings a subexpression matches, the literals any
// match must contain, whether it can be empty anywhere, and whether it can
// match a newline or depends on the text edges.
import { concatLits, type Lit, lit, minimizeAnyOf, prefilterScore, sameLit } from './lit.js';
import type { RegexNode } from './regex-syntax.js';

/** Larger literal sets cost more passes over a block than the regexp engine would. */
export const MAX_LITERAL_SET = 16;
/** Classes with more members are not expanded into literals. */
const MAX_CLASS_EXPANSION = 8;
const MAX_LITERAL_LENGTH = 1024;
/** Beyond this, a "must contain one of" set is too weak to be worth computing. */
const MAX_REQUIRED_SET = 64;

export interface LiteralFacts {
  /**
   * All strings the expression matches, when that set is small, finite and
   * free of context (no assertions); null otherwise. May contain "".
   */
  readonly exact: readonly Lit[] | null;
  /** Every match contains one of these (none empty); null when unknown. */
  readonly required: readonly Lit[] | null;
}

const UNKNOWN: LiteralFacts = { exact: null, required: null };

export function literalFacts(node: RegexNode): LiteralFacts {
  switch (node.op) {
    case 'literal': {
      const l = lit(node.text, node.fold);
      return { exact: [l], required: [l] };
    }
    case 'class': {
      const exact = classLiterals(node.ranges);
      return { exact, required: exact };
    }
    case 'empty':
      return { exact: [lit('', false)], required: null };
    case 'assert':
      return UNKNOWN;
    case 'concat':
      return concatFacts(node.subs.map(literalFacts));
    case 'alternate':
      return alternateFacts(node.subs.map(literalFacts));
    case 'repeat':
      return repeatFacts(literalFacts(node.sub), node.min, node.max);
  }
}

/** Repetitions up to this count are expanded into literal sets. */
const MAX_EXPANDED_REPEAT = 4;

function repeatFacts(sub: LiteralFacts, min: number, max: number): LiteralFacts {
  if (max === 0) return { exact: [lit('', false)], required: null };
  // x{2,3} matches exactly xx or xxx (when x is exact); x{2,} contains xx.
  let exact: readonly Lit[] | null = null;
  if (sub.exact && max !== -1 && max <= MAX_EXPANDED_REPEAT) {
    exact = min === 0 ? [lit('', false)] : [];
    for (let k = Math.max(min, 1); k <= max && exact; k++) {
      const power = powerOf(sub.exact, k);
      exact = power ? union(exact, power) : null;
    }
  }
  if (min === 0) return { exact, required: null };
  const minimal = sub.exact && min <= MAX_EXPANDED_REPEAT ? powerOf(sub.exact, min) : null;
  return { exact, required: best([...(minimal ? [minimal] : []), ...(sub.required ? [sub.required] : [])]) };
}

function powerOf(lits: readonly Lit[], k: number): readonly Lit[] | null {
  let out: readonly Lit[] | null = lits;
  for (let i = 1; i < k && out; i++) out = product(out, lits);
  return out;
}

function concatFacts(subs: readonly LiteralFacts[]): LiteralFacts {
  let exact: readonly Lit[] | null = [lit('', false)];
  const candidates: Array<readonly Lit[]> = [];
  // Runs of subexpressions with exact sets multiply into longer literals.
  let run: readonly Lit[] | null = null;
  for (const sub of subs) {
    exact = exact && sub.exact ? product(exact, sub.exact) : null;
    if (sub.exact) {
      const joined: readonly Lit[] | null = run ? product(run, sub.exact) : sub.exact;
      if (joined) {
        run = joined;
      } else {
        if (run) candidates.push(run);
        run = sub.exact;
      }
    } else {
      if (run) candidates.push(run);
      run = null;
    }
    if (sub.required) candidates.push(sub.required);
  }
  if (run) candidates.push(run);
  return { exact, required: best(candidates) };
}

function alternateFacts(subs: readonly LiteralFacts[]): LiteralFacts {
  let exact: readonly Lit[] | null = [];
  let required: Lit[] | null = [];
  for (const sub of subs) {
    exact = exact && sub.exact ? union(exact, sub.exact) : null;
    const need = sub.required ?? usable(sub.exact);
    required = required && need && required.length + need.length <= MAX_REQUIRED_SET ? [...required, ...need] : null;
  }
  return { exact, required: required && required.length > 0 ? minimizeAnyOf(required) : null };
}

/** A set as a "must contain one of" requirement: only if it has no empty member. */
function usable(lits: readonly Lit[] | null): readonly Lit[] | null {
  if (!lits || lits.length === 0 || lits.some((l) => l.text === '')) return null;
  return lits;
}

/** The most selective of several requirement sets, or null. */
function best(candidates: ReadonlyArray<readonly Lit[]>): readonly Lit[] | null {
  let chosen: readonly Lit[] | null = null;
  let score = Number.NEGATIVE_INFINITY;
  for (const c of candidates) {
    const set = usable(c);
    if (!set) continue;
    const reduced = minimizeAnyOf(set);
    const s = prefilterScore(reduced);
    if (s > score) {
      chosen = reduced;
      score = s;
    }
  }
  return chosen;
}

function product(a: readonly Lit[], b: readonly Lit[]): readonly Lit[] | null {
  if (a.length * b.length > MAX_LITERAL_SET) return null;
  const out: Lit[] = [];
  for (const x of a) {
    for (const y of b) {
      const joined = concatLits(x, y);
      if (!joined || joined.text.length > MAX_LITERAL_LENGTH) return null;
      if (!out.some((o) => sameLit(o, joined))) out.push(joined);
    }
  }
  return out;
}

function union(a: readonly Lit[], b: readonly Lit[]): readonly Lit[] | null {
  const out = [...a];
  for (const y of b) if (!out.some((o) => sameLit(o, y))) out.push(y);
  return out.length > MAX_LITERAL_SET ? null : out;
}

/**
 * The members of a small class as literals. A letter present in all its case
 * variants (e.g. [Ee], or (?i)e) becomes one folded literal.
 */
function classLiterals(ranges: readonly number[] | null): readonly Lit[] | null {
  if (!ranges) return null;
  const members: number[] = [];
  for (let i = 0; i < ranges.length; i += 2) {
    if (ranges[i + 1]! - ranges[i]! + 1 > MAX_CLASS_EXPANSION - members.length) return null;
    for (let c = ranges[i]!; c <= ranges[i + 1]!; c++) members.push(c);
  }
  // U+FFFD also matches invalid UTF-8 in Go: not a byte literal.
  if (members.length === 0 || members.includes(0xfffd)) return null;
  const out: Lit[] = [];
  const taken = new Set<number>();
  for (const c of members) {
    if (taken.has(c)) continue;
    const orbit = asciiFoldOrbit(c);
    if (orbit?.every((o) => members.includes(o))) {
      for (const o of orbit) taken.add(o);
      out.push(lit(String.fromCharCode(orbit[0]!), true));
      continue;
    }
    taken.add(c);
    out.push(lit(String.fromCodePoint(c), false));
  }
  return out;
}

/** The folding orbit of a character whose orbit contains an ASCII letter, lower-case letter first. */
function asciiFoldOrbit(c: number): number[] | null {
  const lower = c === 0x212a ? 0x6b : c === 0x17f ? 0x73 : c < 0x80 ? c | 0x20 : -1;
  if (lower < 0x61 || lower > 0x7a) return null;
  const orbit = [lower, lower - 0x20];
  if (lower === 0x6b) orbit.push(0x212a);
  if (lower === 0x73) orbit.push(0x17f);
  return orbit;
}

/** Whether the expression can match the empty string at any position, whatever surrounds it. */
export function matchesEmptyAnywhere(node: RegexNode): boolean {
  switch (node.op) {
    case 'empty':
      return true;
    case 'literal':
    case 'class':
    case 'assert':
      return false;
    case 'repeat':
      return node.min === 0 || matchesEmptyAnywhere(node.sub);
    case 'concat':
      return node.subs.every(matchesEmptyAnywhere);
    case 'alternate':
      return node.subs.some(matchesEmptyAnywhere);
  }
}

/** Whether some match can include a newline character. */
export function canMatchNewline(node: RegexNode): boolean {
  switch (node.op) {
    case 'literal':
      return node.text.includes('\n');
    case 'class':
      return node.newline;
    case 'empty':
    case 'assert':
      return false;
    case 'repeat':
      return node.max !== 0 && canMatchNewline(node.sub);
    case 'concat':
    case 'alternate':
      return node.subs.some(canMatchNewline);
  }
}

/** Whether the expression uses ^, $, \A or \z outside (?m): they only hold at the ends of the whole text. */
export function usesTextAnchors(node: RegexNode): boolean {
  switch (node.op) {
    case 'assert':
      return node.kind === 'beginText' || node.kind === 'endText';
    case 'repeat':
      return usesTextAnchors(node.sub);
    case 'concat':
    case 'alternate':
      return node.subs.some(usesTextAnchors);
    default:
      return false;
  }
}
