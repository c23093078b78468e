// Literal strings as the regexp simplifier sees them: a text plus whether it
// is compared case-insensitively (Go's `(?i)`, i.e. Unicode simple folding).

export interface Lit {
  readonly text: string;
  /** Compared with case folding. Always false when `text` has nothing to fold. */
  readonly fold: boolean;
}

/**
 * Whether folding could change what `text` matches. ASCII letters fold; any
 * non-ASCII character is assumed to, which is never wrong (a folded compare
 * of an unfoldable character is an exact compare), only slower.
 */
export function hasCasedChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return true;
    if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) return true;
  }
  return false;
}

export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

export function lit(text: string, fold: boolean): Lit {
  return { text, fold: fold && hasCasedChar(text) };
}

/** The literal matching `a` then `b`, or null when their case rules differ. */
export function concatLits(a: Lit, b: Lit): Lit | null {
  if (a.fold === b.fold) return { text: a.text + b.text, fold: a.fold };
  // One side folds; joining is exact only if the other has nothing to fold.
  const exact = a.fold ? b : a;
  if (hasCasedChar(exact.text)) return null;
  return { text: a.text + b.text, fold: true };
}

/** ASCII lower-casing, the only folding applied to the text of ASCII folded literals. */
export function asciiLower(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += String.fromCharCode(c >= 0x41 && c <= 0x5a ? c | 0x20 : c);
  }
  return out;
}

export function sameLit(a: Lit, b: Lit): boolean {
  return a.fold === b.fold && (a.fold ? asciiLower(a.text) === asciiLower(b.text) : a.text === b.text);
}

/** Whether every text containing `outer` necessarily contains `inner` too. */
function implies(outer: Lit, inner: Lit): boolean {
  if (!inner.fold) return !outer.fold && outer.text.includes(inner.text);
  if (!isAscii(inner.text) || !isAscii(outer.text)) return false;
  return asciiLower(outer.text).includes(asciiLower(inner.text));
}

/**
 * Reduces an "any of these must occur" set: duplicates go, and so does any
 * literal that contains another member (finding the shorter one is enough).
 */
export function minimizeAnyOf(lits: readonly Lit[]): Lit[] {
  const out: Lit[] = [];
  for (let i = 0; i < lits.length; i++) {
    const a = lits[i]!;
    let redundant = false;
    for (let j = 0; j < lits.length && !redundant; j++) {
      if (i === j) continue;
      const b = lits[j]!;
      // Of two equal literals keep the first.
      if (implies(a, b) && (!implies(b, a) || j < i)) redundant = true;
    }
    if (!redundant) out.push(a);
  }
  return out;
}

/** ASCII bytes rare enough in logs that one of them alone makes a useful prefilter. */
const RARE_BYTES = new Set(Array.from('@#$^!~|\\`', (c) => c.charCodeAt(0)));

/** A rough rarity weight of a literal: its length, rare bytes counting more. */
function rarity(text: string): number {
  let weight = 0;
  for (const b of Buffer.from(text)) weight += b >= 0x80 ? 1.5 : RARE_BYTES.has(b) ? 3 : 1;
  return weight;
}

/**
 * How useful a set is as a prefilter: the rarity of its most common member
 * (long byte sequences are rare), a little less for many members or folded
 * ones, which cost extra passes.
 */
export function prefilterScore(lits: readonly Lit[]): number {
  if (lits.length === 0) return -1;
  let min = Number.POSITIVE_INFINITY;
  let folded = false;
  for (const l of lits) {
    min = Math.min(min, rarity(l.text));
    folded ||= l.fold;
  }
  return min - Math.log2(lits.length) * 0.5 - (folded ? 0.5 : 0);
}

export function describeLit(l: Lit): string {
  return `${l.fold ? 'fold' : ''}${JSON.stringify(l.text)}`;
}

/**
 * A literal implied by `l` that can be compared bytewise (after ASCII
 * lower-casing when folded): `l` itself, or for a folded literal with
 * non-ASCII text its longest ASCII stretch; null when it has none.
 */
export function byteComparable(l: Lit): Lit | null {
  if (!l.fold || isAscii(l.text)) return l;
  let best = '';
  let run = '';
  for (const ch of l.text) {
    if (ch.charCodeAt(0) < 0x80) {
      run += ch;
      if (run.length > best.length) best = run;
    } else {
      run = '';
    }
  }
  return best === '' ? null : lit(best, true);
}
