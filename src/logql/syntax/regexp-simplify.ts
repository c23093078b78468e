// Whether Loki can reduce a label-filter regexp to plain string matching.
//
// Loki turns `| label=~"re"` into string comparisons when the regexp is only
// literals, `.*` around one literal, or an alternation of such pieces
// (`error|warn`, `(?i)timeout`, `/api/.*`); otherwise it keeps a real regexp,
// and then prints the filter with a raw string (label=~`re`). To print the
// same text we mirror the structure Go's regexp parser gives a pattern
// (literal runs merged, common prefixes of alternatives factored out, single
// characters merged into classes) and apply Loki's reduction rules to it.
// Anything outside the recognised subset counts as "not reducible", which is
// what Loki concludes for such patterns too.

type RNode =
  | { op: 'lit'; s: string; fold: boolean }
  | { op: 'empty' }
  | { op: 'any' } // `.` without the s flag
  | { op: 'class' } // classes, `.` with the s flag
  | { op: 'star' | 'plus' | 'quest' | 'repeat'; sub: RNode }
  | { op: 'concat'; subs: RNode[] }
  | { op: 'alt'; subs: RNode[] }
  | { op: 'capture'; sub: RNode }
  | { op: 'other' }; // anchors, word boundaries

class Unsupported extends Error {}

class RegexpShapeParser {
  private i = 0;

  constructor(private readonly s: string) {}

  parse(): RNode {
    const node = this.parseAlt({ fold: false, dotAll: false });
    if (this.i < this.s.length) throw new Unsupported();
    return node;
  }

  private parseAlt(flags: { fold: boolean; dotAll: boolean }): RNode {
    const branches: RNode[] = [this.parseConcat(flags)];
    while (this.s[this.i] === '|') {
      this.i++;
      branches.push(this.parseConcat(flags));
    }
    return collapseAlternation(branches);
  }

  private parseConcat(flags: { fold: boolean; dotAll: boolean }): RNode {
    const items: RNode[] = [];
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      const c = this.s[this.i];
      if (c === '(' && this.s.startsWith('(?', this.i) && /^\(\?[imsU-]+\)/.test(this.s.slice(this.i))) {
        // Flag change for the rest of this group.
        const m = /^\(\?([imsU-]+)\)/.exec(this.s.slice(this.i))!;
        applyFlags(flags, m[1]);
        this.i += m[0].length;
        continue;
      }
      let atom = this.parseAtom(flags);
      atom = this.parseQuantifiers(atom, items);
      items.push(atom);
    }
    return makeConcat(items);
  }

  private parseQuantifiers(atom: RNode, items: RNode[]): RNode {
    for (;;) {
      const c = this.s[this.i];
      let op: 'star' | 'plus' | 'quest' | 'repeat' | null = null;
      if (c === '*') op = 'star';
      else if (c === '+') op = 'plus';
      else if (c === '?') op = 'quest';
      else if (c === '{') {
        const m = /^\{\d+(,\d*)?\}/.exec(this.s.slice(this.i));
        if (m) {
          this.i += m[0].length - 1;
          op = 'repeat';
        }
      }
      if (!op) return atom;
      this.i++;
      if (this.s[this.i] === '?') this.i++; // non-greedy: same shape
      // A quantifier binds to the last character of a literal run.
      if (atom.op === 'lit' && atom.s.length > 1) {
        const chars = Array.from(atom.s);
        const last = chars.pop()!;
        items.push({ op: 'lit', s: chars.join(''), fold: atom.fold });
        atom = { op: 'lit', s: last, fold: atom.fold };
      }
      atom = { op, sub: atom };
    }
  }

  private parseAtom(flags: { fold: boolean; dotAll: boolean }): RNode {
    const s = this.s;
    const c = s[this.i];
    if (c === '(') {
      let capture = true;
      const inner = { ...flags };
      if (s.startsWith('(?:', this.i)) {
        capture = false;
        this.i += 3;
      } else if (s.startsWith('(?P<', this.i) || s.startsWith('(?<', this.i)) {
        const close = s.indexOf('>', this.i);
        if (close < 0) throw new Unsupported();
        this.i = close + 1;
      } else if (s.startsWith('(?', this.i)) {
        const m = /^\(\?([imsU-]+):/.exec(s.slice(this.i));
        if (!m) throw new Unsupported();
        applyFlags(inner, m[1]);
        capture = false;
        this.i += m[0].length;
      } else {
        this.i++;
      }
      const body = this.parseAlt(inner);
      if (s[this.i] !== ')') throw new Unsupported();
      this.i++;
      return capture ? { op: 'capture', sub: body } : body;
    }
    if (c === '[') return this.parseClass(flags);
    if (c === '.') {
      this.i++;
      return flags.dotAll ? { op: 'class' } : { op: 'any' };
    }
    if (c === '^' || c === '$') {
      this.i++;
      return { op: 'other' };
    }
    if (c === '\\') return this.parseEscape(flags);
    if (c === '*' || c === '+' || c === '?' || c === ')') throw new Unsupported();
    const cp = s.codePointAt(this.i)!;
    const ch = String.fromCodePoint(cp);
    this.i += ch.length;
    return { op: 'lit', s: ch, fold: flags.fold };
  }

  private parseEscape(flags: { fold: boolean }): RNode {
    const s = this.s;
    const e = s[this.i + 1];
    if (e === undefined) throw new Unsupported();
    this.i += 2;
    if ('dDwWsSpP'.includes(e)) {
      if ((e === 'p' || e === 'P') && s[this.i] === '{') {
        const close = s.indexOf('}', this.i);
        if (close < 0) throw new Unsupported();
        this.i = close + 1;
      } else if (e === 'p' || e === 'P') {
        this.i++;
      }
      return { op: 'class' };
    }
    if ('AzbB'.includes(e)) return { op: 'other' };
    const simple: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f', v: '\v', a: '\x07' };
    if (simple[e]) return { op: 'lit', s: simple[e], fold: flags.fold };
    if (e === 'Q') {
      const end = s.indexOf('\\E', this.i);
      const text = end < 0 ? s.slice(this.i) : s.slice(this.i, end);
      this.i = end < 0 ? s.length : end + 2;
      return text === '' ? { op: 'empty' } : { op: 'lit', s: text, fold: flags.fold };
    }
    if (/[!-/:-@[-`{-~]/.test(e)) return { op: 'lit', s: e, fold: flags.fold };
    throw new Unsupported();
  }

  private parseClass(flags: { fold: boolean }): RNode {
    const s = this.s;
    let j = this.i + 1;
    if (s[j] === '^') j++;
    if (s[j] === ']') j++;
    while (j < s.length && s[j] !== ']') {
      if (s[j] === '\\') j++;
      else if (s.startsWith('[:', j)) {
        const close = s.indexOf(':]', j + 2);
        if (close > 0) j = close + 1;
      }
      j++;
    }
    if (j >= s.length) throw new Unsupported();
    const body = s.slice(this.i + 1, j);
    this.i = j + 1;
    // Go turns a one-character class into that character.
    const single = /^(?:([^\\^\]-])|\\([!-/:-@[-`{-~]))$/u.exec(body);
    if (single) return { op: 'lit', s: single[1] ?? single[2], fold: flags.fold };
    return { op: 'class' };
  }
}

function applyFlags(flags: { fold: boolean; dotAll: boolean }, spec: string): void {
  let on = true;
  for (const f of spec) {
    if (f === '-') on = false;
    else if (f === 'i') flags.fold = on;
    else if (f === 's') flags.dotAll = on;
  }
}

function makeConcat(items: RNode[]): RNode {
  const subs: RNode[] = [];
  for (const item of items) {
    const last = subs[subs.length - 1];
    if (item.op === 'lit' && last?.op === 'lit' && last.fold === item.fold) {
      subs[subs.length - 1] = { op: 'lit', s: last.s + item.s, fold: item.fold };
    } else if (item.op === 'concat') {
      subs.push(...item.subs);
    } else if (item.op !== 'empty') {
      subs.push(item);
    }
  }
  if (subs.length === 0) return { op: 'empty' };
  if (subs.length === 1) return subs[0];
  return { op: 'concat', subs };
}

function leadingString(n: RNode): { s: string; fold: boolean } {
  if (n.op === 'lit') return { s: n.s, fold: n.fold };
  if (n.op === 'concat' && n.subs[0].op === 'lit') return { s: n.subs[0].s, fold: n.subs[0].fold };
  return { s: '', fold: false };
}

function removeLeadingString(n: RNode, len: number): RNode {
  if (n.op === 'lit') return n.s.length === len ? { op: 'empty' } : { op: 'lit', s: n.s.slice(len), fold: n.fold };
  if (n.op === 'concat' && n.subs[0].op === 'lit') {
    const first = n.subs[0];
    const rest = n.subs.slice(1);
    if (first.s.length > len) rest.unshift({ op: 'lit', s: first.s.slice(len), fold: first.fold });
    return makeConcat(rest);
  }
  return n;
}

function isCharLike(n: RNode): boolean {
  return (n.op === 'lit' && Array.from(n.s).length === 1) || n.op === 'class' || n.op === 'any';
}

/** Go's alternation clean-up: flatten, factor common prefixes, merge single characters, dedupe empties. */
function collapseAlternation(branches: RNode[]): RNode {
  const flat: RNode[] = [];
  for (const b of branches) {
    if (b.op === 'alt') flat.push(...b.subs);
    else flat.push(b);
  }
  if (flat.length === 1) return flat[0];

  // Round 1: common literal prefixes of adjacent alternatives.
  let out: RNode[] = [];
  let start = 0;
  let str = '';
  let fold = false;
  for (let i = 0; i <= flat.length; i++) {
    let lead = { s: '', fold: false };
    if (i < flat.length) {
      lead = leadingString(flat[i]);
      if (lead.fold === fold) {
        let same = 0;
        while (same < str.length && same < lead.s.length && str[same] === lead.s[same]) same++;
        if (same > 0) {
          str = str.slice(0, same);
          continue;
        }
      }
    }
    if (i === start + 1) out.push(flat[start]);
    else if (i > start + 1) {
      const suffixes = flat.slice(start, i).map((b) => removeLeadingString(b, str.length));
      out.push({ op: 'concat', subs: [{ op: 'lit', s: str, fold }, collapseAlternation(suffixes)] });
    }
    start = i;
    str = lead.s;
    fold = lead.fold;
  }

  // Round 3: runs of single characters become one class.
  const merged: RNode[] = [];
  start = 0;
  for (let i = 0; i <= out.length; i++) {
    if (i < out.length && isCharLike(out[i])) continue;
    if (i === start + 1) merged.push(out[start]);
    else if (i > start + 1) merged.push({ op: 'class' });
    if (i < out.length) merged.push(out[i]);
    start = i + 1;
  }

  // Round 4: consecutive empty alternatives collapse.
  out = merged.filter((n, i) => !(n.op === 'empty' && merged[i + 1]?.op === 'empty'));
  return out.length === 1 ? out[0] : { op: 'alt', subs: out };
}

function uncapture(n: RNode): RNode {
  return n.op === 'capture' ? uncapture(n.sub) : n;
}

function isAnyStar(n: RNode): boolean {
  return n.op === 'star' && n.sub.op === 'any';
}

// Loki's RegexSimplifier, answering only "reducible or not".
function simplifiable(n: RNode): boolean {
  switch (n.op) {
    case 'alt':
      return n.subs.every((s) => simplifiable(uncapture(s)));
    case 'concat':
      return simplifiableConcat(n, null);
    case 'capture':
      return simplifiable(uncapture(n));
    case 'lit':
    case 'empty':
      return true;
    case 'star':
      return n.sub.op === 'any';
    case 'plus':
      return n.sub.op === 'any';
    default:
      return false;
  }
}

function simplifiableConcat(n: { subs: RNode[] }, base: { fold: boolean } | null): boolean {
  const subs = n.subs.map(uncapture).filter((s) => s.op !== 'empty');
  if (subs.length > 3) return false;
  let literals = 0;
  let sawAlternate = false;
  for (const sub of subs) {
    if (sub.op === 'lit') {
      if (literals !== 0) return false;
      literals++;
      base = { fold: sub.fold };
      continue;
    }
    if (sub.op === 'alt' && base) {
      if (!simplifiableConcatAlternate(sub, base.fold)) return false;
      sawAlternate = true;
      continue;
    }
    if (isAnyStar(sub)) continue;
    return false;
  }
  return sawAlternate || base !== null;
}

function simplifiableConcatAlternate(alt: { subs: RNode[] }, baseFold: boolean): boolean {
  for (const branch of alt.subs) {
    const foldBranch = branch.op === 'lit' ? branch.fold : false;
    if (!baseFold && foldBranch) return false;
    switch (branch.op) {
      case 'empty':
      case 'lit':
        continue;
      case 'concat':
        if (!simplifiableConcat(branch, { fold: baseFold })) return false;
        continue;
      case 'star':
        if (branch.sub.op !== 'any') return false;
        continue;
      default:
        return false;
    }
  }
  return alt.subs.length > 0;
}

/** Whether Loki matches `label=~"re"` without a regexp engine (see the file comment). */
export function isSimplifiableLabelRegexp(re: string): boolean {
  let shape: RNode;
  try {
    shape = new RegexpShapeParser(re).parse();
  } catch (err) {
    if (err instanceof Unsupported) return false;
    throw err;
  }
  return simplifiable(shape);
}
