// A parser of Go RE2 syntax into a small tree, for the line filter planner.
//
// It exists to find cheaper equivalents of a regexp (literals, case-folded
// literals, anchored literals) and literals every match must contain. It only
// sees patterns that Go's parser already accepted (compileGoRegexp validates
// first), so it does not report syntax errors: on anything it does not
// understand it gives up (returns null) and the filter runs the regexp as is.
//
// Semantics follow Go's regexp/syntax with the Perl flags LogQL uses: `^`/`$`
// match at the text edges unless (?m); `.` excludes \n unless (?s); negated
// classes match \n; (?i) is Unicode simple case folding; flags set by `(?i)`
// last until the enclosing group closes, across `|`.

export type AssertKind = 'beginText' | 'endText' | 'beginLine' | 'endLine' | 'wordBoundary' | 'noWordBoundary';

export type RegexNode =
  /** A run of characters; `fold` when under (?i). */
  | { readonly op: 'literal'; readonly text: string; readonly fold: boolean }
  /**
   * One character from a set. `ranges` lists inclusive code point pairs
   * (sorted, disjoint), after case folding; null when not computed (Unicode
   * classes, non-ASCII folding). `newline` says whether \n is a member.
   */
  | { readonly op: 'class'; readonly ranges: readonly number[] | null; readonly newline: boolean }
  | { readonly op: 'assert'; readonly kind: AssertKind }
  | { readonly op: 'empty' }
  | { readonly op: 'concat'; readonly subs: readonly RegexNode[] }
  | { readonly op: 'alternate'; readonly subs: readonly RegexNode[] }
  /** `max` is -1 when unbounded. */
  | { readonly op: 'repeat'; readonly sub: RegexNode; readonly min: number; readonly max: number };

export interface ParsedRegex {
  readonly root: RegexNode;
  /** Source spans of capturing group openings, `(` or `(?P<name>`, in order. */
  readonly captureOpenings: ReadonlyArray<{ readonly start: number; readonly end: number }>;
}

export interface ParseOptions {
  /**
   * Decides whether a class the parser cannot enumerate (e.g. `\pL`,
   * `[^\p{Greek}]`), given as its source text, matches \n. Defaults to
   * assuming it does, which is always safe.
   */
  readonly classMatchesNewline?: (classSource: string) => boolean;
}

const MAX_RUNE = 0x10ffff;

/** Parses a pattern Go accepts; null when it uses syntax this parser does not model. */
export function parseRegex(pattern: string, options: ParseOptions = {}): ParsedRegex | null {
  try {
    return new Parser(pattern, options).parse();
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
}

class Unsupported extends Error {}

interface Flags {
  fold: boolean;
  multiLine: boolean;
  dotNewline: boolean;
}

const PERL_CLASSES: Record<string, readonly number[]> = {
  d: [0x30, 0x39],
  s: [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20],
  w: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
};

const POSIX_CLASSES: Record<string, readonly number[]> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x00, 0x7f],
  blank: [0x09, 0x09, 0x20, 0x20],
  cntrl: [0x00, 0x1f, 0x7f, 0x7f],
  digit: [0x30, 0x39],
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x09, 0x0d, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

class Parser {
  private pos = 0;
  private flags: Flags = { fold: false, multiLine: false, dotNewline: false };
  private readonly captureOpenings: Array<{ start: number; end: number }> = [];

  constructor(
    private readonly src: string,
    private readonly options: ParseOptions,
  ) {}

  parse(): ParsedRegex {
    const root = this.parseAlternation();
    if (this.pos !== this.src.length) throw new Unsupported();
    return { root, captureOpenings: this.captureOpenings };
  }

  private parseAlternation(): RegexNode {
    const branches = [this.parseConcat()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      branches.push(this.parseConcat());
    }
    if (branches.length === 1) return branches[0]!;
    // (a|(b|c)) is a|b|c.
    return { op: 'alternate', subs: branches.flatMap((b) => (b.op === 'alternate' ? b.subs : [b])) };
  }

  private parseConcat(): RegexNode {
    const items: RegexNode[] = [];
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined || c === '|' || c === ')') break;
      if (c === '*' || c === '+' || c === '?') {
        this.pos++;
        const [min, max] = c === '*' ? [0, -1] : c === '+' ? [1, -1] : [0, 1];
        this.applyRepeat(items, min, max);
        continue;
      }
      if (c === '{') {
        const rep = this.tryParseBraces();
        if (rep) {
          this.applyRepeat(items, rep[0], rep[1]);
          continue;
        }
        // Not a valid repetition: `{` is a literal.
        this.pos++;
        items.push(this.literal(0x7b));
        continue;
      }
      const atom = this.parseAtom();
      if (atom) items.push(...atom);
    }
    return concatOf(items);
  }

  private applyRepeat(items: RegexNode[], min: number, max: number): void {
    const sub = items.pop();
    if (!sub) throw new Unsupported();
    if (this.src[this.pos] === '?') this.pos++; // non-greedy: same set of matches
    items.push({ op: 'repeat', sub, min, max });
  }

  /** `{n}`, `{n,}` or `{n,m}` at pos; null (pos unchanged) when it is not one. */
  private tryParseBraces(): [number, number] | null {
    const m = /^\{(0|[1-9][0-9]*)(?:(,)(0|[1-9][0-9]*)?)?\}/.exec(this.src.slice(this.pos));
    if (!m) return null;
    this.pos += m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === undefined ? -1 : Number(m[3]);
    return [min, max];
  }

  /** The next atom(s); empty for a bare flag group such as `(?i)`. */
  private parseAtom(): RegexNode[] {
    const c = this.src[this.pos]!;
    switch (c) {
      case '(':
        return this.parseGroup();
      case '[':
        return [this.parseClass()];
      case '.':
        this.pos++;
        return [
          this.flags.dotNewline
            ? { op: 'class', ranges: [0, MAX_RUNE], newline: true }
            : { op: 'class', ranges: [0, 0x09, 0x0b, MAX_RUNE], newline: false },
        ];
      case '^':
        this.pos++;
        return [{ op: 'assert', kind: this.flags.multiLine ? 'beginLine' : 'beginText' }];
      case '$':
        this.pos++;
        return [{ op: 'assert', kind: this.flags.multiLine ? 'endLine' : 'endText' }];
      case '\\':
        return this.parseEscapeAtom();
      default: {
        const cp = this.src.codePointAt(this.pos)!;
        this.pos += cp > 0xffff ? 2 : 1;
        return [this.literal(cp)];
      }
    }
  }

  private literal(cp: number): RegexNode {
    // Go matches U+FFFD against invalid UTF-8 bytes too, so it is no plain byte literal.
    if (cp === 0xfffd) return { op: 'class', ranges: null, newline: false };
    return { op: 'literal', text: String.fromCodePoint(cp), fold: this.flags.fold };
  }

  private parseGroup(): RegexNode[] {
    const start = this.pos;
    const saved = { ...this.flags };
    const rest = this.src.slice(start);
    const named = /^\(\?P?<[A-Za-z0-9_]+>/.exec(rest);
    if (named) {
      this.pos += named[0].length;
      this.captureOpenings.push({ start, end: this.pos });
    } else if (rest.startsWith('(?')) {
      const m = /^\(\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
      if (!m) throw new Unsupported();
      this.pos += m[0].length;
      const flags = { ...this.flags };
      setFlags(flags, m[1]!, true);
      setFlags(flags, m[2] ?? '', false);
      if (m[3] === ')') {
        // (?i) alone: applies to the rest of the enclosing group.
        this.flags = flags;
        return [];
      }
      this.flags = flags;
    } else {
      this.pos++;
      this.captureOpenings.push({ start, end: this.pos });
    }
    const inner = this.parseAlternation();
    if (this.src[this.pos] !== ')') throw new Unsupported();
    this.pos++;
    this.flags = saved;
    return [inner];
  }

  private parseEscapeAtom(): RegexNode[] {
    const next = this.src[this.pos + 1];
    switch (next) {
      case 'A':
        this.pos += 2;
        return [{ op: 'assert', kind: 'beginText' }];
      case 'z':
        this.pos += 2;
        return [{ op: 'assert', kind: 'endText' }];
      case 'b':
        this.pos += 2;
        return [{ op: 'assert', kind: 'wordBoundary' }];
      case 'B':
        this.pos += 2;
        return [{ op: 'assert', kind: 'noWordBoundary' }];
      case 'Q': {
        const end = this.src.indexOf('\\E', this.pos + 2);
        const text = this.src.slice(this.pos + 2, end < 0 ? this.src.length : end);
        this.pos = end < 0 ? this.src.length : end + 2;
        return Array.from(text, (ch) => this.literal(ch.codePointAt(0)!));
      }
      case 'p':
      case 'P': {
        const start = this.pos;
        this.skipUnicodeClass();
        return [this.opaqueClass(this.src.slice(start, this.pos))];
      }
      case 'd':
      case 'D':
      case 's':
      case 'S':
      case 'w':
      case 'W': {
        this.pos += 2;
        const base = PERL_CLASSES[next.toLowerCase()]!;
        const ranges = next === next.toUpperCase() ? negateRanges(base) : [...base];
        return [this.finishClass(ranges, false)];
      }
      default:
        return [this.literal(this.parseEscapeChar())];
    }
  }

  /** Skips `\pL`, `\p{Name}`, `\P{^Name}`. */
  private skipUnicodeClass(): void {
    this.pos += 2;
    if (this.src[this.pos] === '{') {
      const close = this.src.indexOf('}', this.pos);
      if (close < 0) throw new Unsupported();
      this.pos = close + 1;
    } else {
      const cp = this.src.codePointAt(this.pos);
      if (cp === undefined) throw new Unsupported();
      this.pos += cp > 0xffff ? 2 : 1;
    }
  }

  private opaqueClass(source: string): RegexNode {
    const decide = this.options.classMatchesNewline;
    return { op: 'class', ranges: null, newline: decide ? decide(source) : true };
  }

  /** A single-character escape at pos (the backslash); returns its code point. */
  private parseEscapeChar(): number {
    this.pos++;
    const cp = this.src.codePointAt(this.pos);
    if (cp === undefined) throw new Unsupported();
    this.pos += cp > 0xffff ? 2 : 1;
    if (cp < 0x80 && !isAlnum(cp)) return cp;
    switch (cp) {
      case 0x61: // a
        return 0x07;
      case 0x66: // f
        return 0x0c;
      case 0x6e: // n
        return 0x0a;
      case 0x72: // r
        return 0x0d;
      case 0x74: // t
        return 0x09;
      case 0x76: // v
        return 0x0b;
      case 0x78: {
        // x: \xHH or \x{H...}
        if (this.src[this.pos] === '{') {
          const close = this.src.indexOf('}', this.pos);
          const hex = this.src.slice(this.pos + 1, close);
          if (close < 0 || !/^[0-9A-Fa-f]+$/.test(hex)) throw new Unsupported();
          this.pos = close + 1;
          return Number.parseInt(hex, 16);
        }
        const hex = this.src.slice(this.pos, this.pos + 2);
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new Unsupported();
        this.pos += 2;
        return Number.parseInt(hex, 16);
      }
      default:
        break;
    }
    if (cp >= 0x30 && cp <= 0x37) {
      // Octal: \0, \0NN, \NNN. (A lone \1-\7 is a backreference, which Go rejects.)
      let value = cp - 0x30;
      let digits = 1;
      while (digits < 3 && /[0-7]/.test(this.src[this.pos] ?? '')) {
        value = value * 8 + (this.src.charCodeAt(this.pos) - 0x30);
        this.pos++;
        digits++;
      }
      if (cp !== 0x30 && digits === 1) throw new Unsupported();
      return value;
    }
    throw new Unsupported();
  }

  private parseClass(): RegexNode {
    const start = this.pos;
    this.pos++; // [
    let negated = false;
    if (this.src[this.pos] === '^') {
      negated = true;
      this.pos++;
    }
    const ranges: number[] = [];
    let opaque = false;
    let first = true;
    while (first || this.src[this.pos] !== ']') {
      if (this.pos >= this.src.length) throw new Unsupported();
      first = false;
      const rest = this.src.slice(this.pos);
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(rest);
      if (posix) {
        const table = POSIX_CLASSES[posix[2]!];
        if (!table) throw new Unsupported();
        ranges.push(...(posix[1] ? negateRanges(table) : table));
        this.pos += posix[0].length;
        continue;
      }
      if (rest.startsWith('\\p') || rest.startsWith('\\P')) {
        this.skipUnicodeClass();
        opaque = true;
        continue;
      }
      const perl = /^\\([dDsSwW])/.exec(rest);
      if (perl) {
        const letter = perl[1]!;
        const base = PERL_CLASSES[letter.toLowerCase()]!;
        ranges.push(...(letter === letter.toUpperCase() ? negateRanges(base) : base));
        this.pos += 2;
        continue;
      }
      const lo = this.parseClassChar();
      let hi = lo;
      if (this.src[this.pos] === '-' && this.src[this.pos + 1] !== ']' && this.pos + 1 < this.src.length) {
        this.pos++;
        hi = this.parseClassChar();
      }
      if (hi < lo) throw new Unsupported();
      ranges.push(lo, hi);
    }
    this.pos++; // ]
    if (opaque) return this.opaqueClass(this.src.slice(start, this.pos));
    let set = normalizeRanges(ranges);
    if (negated) set = negateRanges(set);
    return this.finishClass(set, true);
  }

  private parseClassChar(): number {
    if (this.src[this.pos] === '\\') return this.parseEscapeChar();
    const cp = this.src.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  /**
   * Applies (?i) to a finished class (Go folds before negating, and folding
   * never adds or removes \n, so membership of \n is taken before folding).
   */
  private finishClass(ranges: number[], normalized: boolean): RegexNode {
    const set = normalized ? ranges : normalizeRanges(ranges);
    const newline = inRanges(set, 0x0a);
    if (!this.flags.fold) return { op: 'class', ranges: set, newline };
    return { op: 'class', ranges: foldAsciiClass(set), newline };
  }
}

function setFlags(flags: Flags, letters: string, on: boolean): void {
  for (const f of letters) {
    if (f === 'i') flags.fold = on;
    else if (f === 'm') flags.multiLine = on;
    else if (f === 's') flags.dotNewline = on;
    // 'U' swaps greediness, which does not change whether a line matches.
  }
}

function isAlnum(cp: number): boolean {
  return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
}

/** Joins adjacent literals with the same folding, drops empties, flattens nested concatenations. */
function concatOf(items: readonly RegexNode[]): RegexNode {
  const out: RegexNode[] = [];
  for (const item of items.flatMap((i) => (i.op === 'concat' ? i.subs : [i]))) {
    if (item.op === 'empty') continue;
    const prev = out[out.length - 1];
    if (item.op === 'literal' && prev?.op === 'literal' && prev.fold === item.fold) {
      out[out.length - 1] = { op: 'literal', text: prev.text + item.text, fold: item.fold };
      continue;
    }
    out.push(item);
  }
  if (out.length === 0) return { op: 'empty' };
  if (out.length === 1) return out[0]!;
  return { op: 'concat', subs: out };
}

/** Sorts and merges code point range pairs. */
export function normalizeRanges(ranges: readonly number[]): number[] {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i]!, ranges[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1]! + 1) out[n - 1] = Math.max(out[n - 1]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

/** The complement of normalized ranges within [0, U+10FFFF]. */
export function negateRanges(ranges: readonly number[]): number[] {
  const set = normalizeRanges(ranges);
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < set.length; i += 2) {
    if (set[i]! > next) out.push(next, set[i]! - 1);
    next = set[i + 1]! + 1;
  }
  if (next <= MAX_RUNE) out.push(next, MAX_RUNE);
  return out;
}

export function inRanges(ranges: readonly number[], cp: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) if (cp >= ranges[i]! && cp <= ranges[i + 1]!) return true;
  return false;
}

/**
 * Case-folds an ASCII-only class: adds the other case of letters, plus KELVIN
 * SIGN for k and LONG S for s (Go's only non-ASCII folds into ASCII). Null for
 * classes with non-ASCII members, whose folding is not modelled here.
 */
function foldAsciiClass(ranges: readonly number[]): number[] | null {
  if (ranges.length > 0 && ranges[ranges.length - 1]! >= 0x80) return null;
  const extra: number[] = [];
  for (let i = 0; i < ranges.length; i += 2) {
    for (let c = ranges[i]!; c <= ranges[i + 1]!; c++) {
      const lower = c | 0x20;
      if (lower < 0x61 || lower > 0x7a) continue;
      extra.push(c ^ 0x20, c ^ 0x20);
      if (lower === 0x6b) extra.push(0x212a, 0x212a);
      if (lower === 0x73) extra.push(0x17f, 0x17f);
    }
  }
  return normalizeRanges([...ranges, ...extra]);
}
