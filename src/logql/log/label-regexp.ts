// How Loki evaluates `| label=~"re"`: before compiling a label filter
// regexp it tries to reduce it to string comparisons, and the reduction is
// not always equivalent to the anchored regexp. A plain literal becomes an
// equality test, but a literal next to `.*` becomes a *contains* test
// (`path=~"/api/.*"` also matches "/v1/api/x"), `.*` and the empty pattern
// match everything, `.+` matches any non-empty value, and alternations are
// reduced branch by branch after Go's parser has factored common prefixes
// (`err|error` becomes `err(?:|or)`, i.e. "contains err").
//
// This module mirrors that: it parses the small subset of Go syntax the
// reduction can apply to, shapes it as Go's parser does (merged literal runs,
// factored alternations, single characters merged into classes) and applies
// Loki's rules. Anything outside the subset returns null and the caller uses
// the anchored regexp, as Loki does.

type Node =
  | { op: 'lit'; s: string; fold: boolean }
  | { op: 'empty' }
  /** `.`; `nl` when it also matches a newline (the s flag). */
  | { op: 'any'; nl: boolean }
  /** A character class (only produced by merging single characters). */
  | { op: 'class' }
  | { op: 'star' | 'plus'; sub: Node }
  | { op: 'concat'; subs: Node[] }
  | { op: 'alt'; subs: Node[] }
  | { op: 'capture'; sub: Node };

class Unsupported extends Error {}

interface Flags {
  fold: boolean;
  dotNL: boolean;
}

/** Parses the supported subset of Go regexp syntax into Go's tree shape. */
class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): Node {
    const n = this.alternation({ fold: false, dotNL: false });
    if (this.i < this.s.length) throw new Unsupported();
    return n;
  }

  private alternation(flags: Flags): Node {
    const branches: Node[] = [this.concatenation(flags)];
    while (this.s[this.i] === '|') {
      this.i++;
      branches.push(this.concatenation(flags));
    }
    return branches.length === 1 ? branches[0]! : factor(branches);
  }

  private concatenation(flags: Flags): Node {
    const items: Node[] = [];
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === '|' || c === ')') break;
      if (c === '(') {
        const group = this.group(flags);
        if (group !== null) push(items, group);
        continue;
      }
      if (c === '*' || c === '+') {
        this.i++;
        if (this.s[this.i] === '?') this.i++; // non-greedy: same shape
        const last = items.pop();
        if (last === undefined || last.op === 'star' || last.op === 'plus') throw new Unsupported();
        items.push(repeatLast(last, c === '*' ? 'star' : 'plus'));
        continue;
      }
      if (c === '.') {
        this.i++;
        items.push({ op: 'any', nl: flags.dotNL });
        continue;
      }
      if (c === '\\') {
        const next = this.s[this.i + 1];
        // Only escaped punctuation is a plain literal; \d, \b, \pL... are not modelled.
        if (next === undefined || !/[!-/:-@[-`{-~]/.test(next)) throw new Unsupported();
        this.i += 2;
        push(items, literal(next, flags));
        continue;
      }
      if ('[]{}?^$'.includes(c)) throw new Unsupported();
      const cp = this.s.codePointAt(this.i)!;
      const ch = String.fromCodePoint(cp);
      this.i += ch.length;
      push(items, literal(ch, flags));
    }
    if (items.length === 0) return { op: 'empty' };
    return items.length === 1 ? items[0]! : { op: 'concat', subs: items };
  }

  /** A group or a flag setting; null for `(?i)`, which only changes `flags`. */
  private group(flags: Flags): Node | null {
    const rest = this.s.slice(this.i);
    const setting = /^\(\?([is]*)(-[is]*)?(:|\))/.exec(rest);
    if (setting) {
      const on = setting[1]!;
      const off = setting[2] ?? '';
      this.i += setting[0].length;
      const next: Flags = {
        fold: (flags.fold || on.includes('i')) && !off.includes('i'),
        dotNL: (flags.dotNL || on.includes('s')) && !off.includes('s'),
      };
      if (setting[3] === ')') {
        // (?i) applies to the rest of the enclosing group.
        flags.fold = next.fold;
        flags.dotNL = next.dotNL;
        return null;
      }
      const inner = this.alternation(next);
      this.expect(')');
      return inner;
    }
    const named = /^\((\?P?<[A-Za-z0-9_]+>)?/.exec(rest)!;
    this.i += named[0].length;
    const inner = this.alternation({ ...flags });
    this.expect(')');
    return { op: 'capture', sub: inner };
  }

  private expect(c: string): void {
    if (this.s[this.i] !== c) throw new Unsupported();
    this.i++;
  }
}

/**
 * A one-character literal. Under (?i) Go stores the smallest character of
 * the case-folding orbit (upper case for ASCII letters), which matters when
 * alternatives are compared for common prefixes.
 */
function literal(ch: string, flags: Flags): Node {
  if (!flags.fold) return { op: 'lit', s: ch, fold: false };
  const upper = ch.toUpperCase();
  const lower = ch.toLowerCase();
  const folded = [...upper].length === 1 && upper < lower ? upper : [...lower].length === 1 && lower < ch ? lower : ch;
  return { op: 'lit', s: folded, fold: true };
}

/** Appends with Go's literal merging: adjacent literals with the same flags form one run. */
function push(items: Node[], node: Node): void {
  const last = items[items.length - 1];
  if (node.op === 'lit' && last !== undefined && last.op === 'lit' && last.fold === node.fold) {
    items[items.length - 1] = { op: 'lit', s: last.s + node.s, fold: last.fold };
    return;
  }
  if (node.op === 'concat') {
    for (const sub of node.subs) push(items, sub);
    return;
  }
  if (node.op === 'empty') return;
  items.push(node);
}

/** `*`/`+` applies to the last character of a literal run only. */
function repeatLast(last: Node, op: 'star' | 'plus'): Node {
  if (last.op === 'lit') {
    const chars = [...last.s];
    if (chars.length > 1) {
      const head: Node = { op: 'lit', s: chars.slice(0, -1).join(''), fold: last.fold };
      const tail: Node = { op: 'lit', s: chars[chars.length - 1]!, fold: last.fold };
      return { op: 'concat', subs: [head, { op, sub: tail }] };
    }
  }
  return { op, sub: last };
}

// ---- Go's alternation factoring -------------------------------------------------

function leadingString(n: Node): { s: string; fold: boolean } {
  if (n.op === 'concat' && n.subs.length > 0) n = n.subs[0]!;
  return n.op === 'lit' ? { s: n.s, fold: n.fold } : { s: '', fold: false };
}

function removeLeadingString(n: Node, count: number): Node {
  if (n.op === 'concat' && n.subs.length > 0) {
    const first = removeLeadingString(n.subs[0]!, count);
    const subs = first.op === 'empty' ? n.subs.slice(1) : [first, ...n.subs.slice(1)];
    if (subs.length === 0) return { op: 'empty' };
    return subs.length === 1 ? subs[0]! : { op: 'concat', subs };
  }
  if (n.op === 'lit') {
    const rest = [...n.s].slice(count).join('');
    return rest.length === 0 ? { op: 'empty' } : { op: 'lit', s: rest, fold: n.fold };
  }
  return n;
}

function isCharClass(n: Node): boolean {
  return (n.op === 'lit' && [...n.s].length === 1) || n.op === 'class' || n.op === 'any';
}

/** Go's factor(): common literal prefixes, single characters into classes, repeated empties. */
function factor(subs: Node[]): Node {
  // Round 1: common literal prefixes.
  const out: Node[] = [];
  let start = 0;
  let str: string[] = [];
  let strFold = false;
  for (let i = 0; i <= subs.length; i++) {
    let istr: string[] = [];
    let ifold = false;
    if (i < subs.length) {
      const lead = leadingString(subs[i]!);
      istr = [...lead.s];
      ifold = lead.fold;
      if (ifold === strFold) {
        let same = 0;
        while (same < str.length && same < istr.length && str[same] === istr[same]) same++;
        if (same > 0) {
          str = str.slice(0, same);
          continue;
        }
      }
    }
    if (i === start + 1) {
      out.push(subs[start]!);
    } else if (i > start + 1) {
      const prefix: Node = { op: 'lit', s: str.join(''), fold: strFold };
      const suffixes = subs.slice(start, i).map((n) => removeLeadingString(n, str.length));
      out.push({ op: 'concat', subs: [prefix, collapse(suffixes)] });
    }
    start = i;
    str = istr;
    strFold = ifold;
  }
  // Round 3: runs of single characters become a class.
  const merged: Node[] = [];
  for (let i = 0; i < out.length; ) {
    let j = i;
    while (j < out.length && isCharClass(out[j]!)) j++;
    if (j - i >= 2) {
      merged.push({ op: 'class' });
      i = j;
    } else {
      merged.push(out[i]!);
      i++;
    }
  }
  // Round 4: runs of empty matches become one.
  const final = merged.filter((n, k) => !(n.op === 'empty' && merged[k + 1]?.op === 'empty'));
  return final.length === 1 ? final[0]! : { op: 'alt', subs: final };
}

function collapse(subs: Node[]): Node {
  return subs.length === 1 ? subs[0]! : factor(subs);
}

// ---- Loki's reduction -------------------------------------------------------------

/** A reduced label matcher. */
export type LabelTest = (value: string) => boolean;

function equal(s: string, fold: boolean): LabelTest {
  if (!fold) return (v) => v === s;
  const lower = s.toLowerCase();
  return (v) => v.toLowerCase() === lower;
}

/** Loki's "match everything" filter; an empty contains test is one too. */
const TRUE: LabelTest = () => true;
const NON_EMPTY: LabelTest = (v) => v.length > 0;

function contains(s: string, fold: boolean): LabelTest {
  if (s.length === 0) return TRUE;
  if (!fold) return (v) => v.includes(s);
  const lower = s.toLowerCase();
  return (v) => v.toLowerCase().includes(lower);
}

/**
 * Loki's `or` of two filters, which treats a match-everything side as
 * absent: `foo|` ends up matching only "foo".
 */
function or(a: LabelTest, b: LabelTest): LabelTest {
  if (a === TRUE) return b;
  if (b === TRUE) return a;
  return (v) => a(v) || b(v);
}

function unwrap(n: Node): Node {
  return n.op === 'capture' ? unwrap(n.sub) : n;
}

function reduce(n: Node): LabelTest | null {
  switch (n.op) {
    case 'alt': {
      let f: LabelTest | null = null;
      for (const sub of n.subs) {
        const g = reduce(unwrap(sub));
        if (g === null) return null;
        f = f === null ? g : or(f, g);
      }
      return f;
    }
    case 'concat':
      return reduceConcat(n, null, false);
    case 'capture':
      return reduce(unwrap(n));
    case 'lit':
      return equal(n.s, n.fold);
    case 'star':
      return n.sub.op === 'any' && !n.sub.nl ? TRUE : null;
    case 'plus':
      return n.sub.op === 'any' && !n.sub.nl ? NON_EMPTY : null;
    case 'empty':
      return TRUE;
    default:
      return null;
  }
}

function isDotStar(n: Node): boolean {
  return n.op === 'star' && n.sub.op === 'any' && !n.sub.nl;
}

/** At most one literal, `.*` pieces, and alternations after the literal: contains tests. */
function reduceConcat(n: { subs: Node[] }, base: string | null, baseFold: boolean): LabelTest | null {
  const subs = n.subs.map(unwrap).filter((s) => s.op !== 'empty');
  if (subs.length > 3) return null;
  let literal = base;
  let fold = baseFold;
  let seenLiteral = false;
  let current: LabelTest | null = null;
  for (const sub of subs) {
    if (sub.op === 'lit') {
      if (seenLiteral) return null;
      seenLiteral = true;
      literal = (literal ?? '') + sub.s;
      fold = sub.fold;
      continue;
    }
    if (sub.op === 'alt' && literal !== null) {
      const alt = reduceConcatAlternate(sub, literal, fold);
      if (alt === null) return null;
      current = current === null ? alt : or(current, alt);
      continue;
    }
    if (isDotStar(sub)) continue;
    return null;
  }
  if (current !== null) return current;
  return literal !== null ? contains(literal, fold) : null;
}

function reduceConcatAlternate(alt: { subs: Node[] }, literal: string, fold: boolean): LabelTest | null {
  let current: LabelTest | null = null;
  for (const raw of alt.subs) {
    const branch = unwrap(raw);
    if (!fold && branch.op === 'lit' && branch.fold) return null;
    let f: LabelTest | null;
    switch (branch.op) {
      case 'empty':
        f = contains(literal, fold);
        break;
      case 'lit':
        f = contains(literal + branch.s, fold);
        break;
      case 'concat':
        // Loki restarts the case-insensitivity of the nested part from "sensitive".
        f = reduceConcat(branch, literal, false);
        break;
      case 'star':
        f = isDotStar(branch) ? contains(literal, fold) : null;
        break;
      default:
        f = null;
    }
    if (f === null) return null;
    current = current === null ? f : or(current, f);
  }
  return current;
}

/**
 * Loki's string reduction of a label filter regexp, or null when Loki keeps
 * the regexp (which then matches the whole value).
 */
export function reduceLabelRegexp(re: string): LabelTest | null {
  let tree: Node;
  try {
    tree = new Parser(re).parse();
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
  return reduce(tree);
}
