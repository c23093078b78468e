// `|> "<_> error <_>"`: Loki 3's pattern match filter.
//
// A pattern is literal text and `<_>` placeholders; named captures are
// rejected and two placeholders may not touch. It matches a line as a whole,
// searching each literal left to right (first occurrence, no backtracking):
//   - a literal after a placeholder must not directly follow the previous
//     literal (a placeholder never matches the empty string);
//   - a pattern ending in a literal must end exactly at the end of the line,
//     one ending in a placeholder must leave something for it;
//   - a leading literal is found anywhere, not only at the line start (as in
//     Loki: `|> "foo <_>"` matches "xx foo bar");
//   - the empty pattern matches only empty lines, and no other pattern does.
import { ensureCapacity } from './block.js';
import { LineFilterError } from './errors.js';
import type { Lit } from './lit.js';
import { indexWithin, selectContaining } from './literal.js';
import type { LineMatcher } from './matcher.js';
import type { ScanBlock } from './scan-block.js';

type PatternNode = { readonly capture: string } | { readonly literal: string };

/** Splits a pattern the way Loki's lexer does: `<name>` with name [A-Za-z_][A-Za-z0-9_]*, all else literal. */
export function parsePatternNodes(pattern: string): PatternNode[] {
  const nodes: PatternNode[] = [];
  const capture = /<([A-Za-z_][A-Za-z0-9_]*)>/y;
  let literal = '';
  let i = 0;
  while (i < pattern.length) {
    capture.lastIndex = i;
    const m = pattern[i] === '<' ? capture.exec(pattern) : null;
    if (m) {
      if (literal) nodes.push({ literal });
      literal = '';
      nodes.push({ capture: m[1]! });
      i = capture.lastIndex;
    } else {
      literal += pattern[i];
      i++;
    }
  }
  if (literal) nodes.push({ literal });
  return nodes;
}

function captureText(node: PatternNode): string {
  return 'capture' in node ? `<${node.capture}>` : node.literal;
}

export class PatternMatcher implements LineMatcher {
  readonly required: readonly Lit[] | null;
  readonly matchesEverything = false;
  /** Literal texts, with null for placeholders, in pattern order. */
  private readonly texts: ReadonlyArray<string | null>;
  private readonly bytes: ReadonlyArray<Buffer | null>;
  private readonly endsWithCapture: boolean;
  /** The longest literal: lines without it are skipped before the full test. */
  private readonly anchor: Buffer | null;
  private candidates: Uint32Array = new Uint32Array(0);

  /** Throws LineFilterError with Loki's message for patterns it rejects. */
  constructor(private readonly source: string) {
    const nodes = parsePatternNodes(source);
    for (let i = 0; i + 1 < nodes.length; i++) {
      if ('capture' in nodes[i]! && 'capture' in nodes[i + 1]!) {
        const pair = captureText(nodes[i]!) + captureText(nodes[i + 1]!);
        throw new LineFilterError(`found consecutive capture '${pair}': invalid expression`);
      }
    }
    for (const node of nodes) {
      if ('capture' in node && node.capture !== '_') {
        throw new LineFilterError(`named captures are not allowed: found '${captureText(node)}'`);
      }
    }
    this.texts = nodes.map((n) => ('literal' in n ? n.literal : null));
    this.bytes = this.texts.map((t) => (t === null ? null : Buffer.from(t)));
    this.endsWithCapture = nodes.length > 0 && 'capture' in nodes[nodes.length - 1]!;
    let longest: string | null = null;
    for (const t of this.texts) if (t !== null && (longest === null || t.length > longest.length)) longest = t;
    this.anchor = longest === null ? null : Buffer.from(longest);
    this.required = longest === null ? null : [{ text: longest, fold: false }];
  }

  matchString(line: string): boolean {
    const { texts } = this;
    if (line.length === 0 || texts.length === 0) return line.length === 0 && texts.length === 0;
    let off = 0;
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i];
      if (text === null || text === undefined) continue;
      const at = line.indexOf(text, off);
      if (at < 0) return false;
      if (i !== 0 && at === off) return false;
      off = at + text.length;
    }
    return this.endsWithCapture === (off !== line.length);
  }

  matchBytes(buf: Buffer, start: number, end: number): boolean {
    const { bytes } = this;
    if (end === start || bytes.length === 0) return end === start && bytes.length === 0;
    let off = start;
    for (let i = 0; i < bytes.length; i++) {
      const lit = bytes[i];
      if (lit === null || lit === undefined) continue;
      const at = indexWithin(buf, lit, off, end);
      if (at < 0) return false;
      if (i !== 0 && at === off) return false;
      off = at + lit.length;
    }
    return this.endsWithCapture === (off !== end);
  }

  select(block: ScanBlock, sel: Uint32Array, selCount: number, out: Uint32Array): number {
    const { lines, offsets } = block;
    let cand = sel;
    let count = selCount;
    if (this.anchor) {
      this.candidates = ensureCapacity(this.candidates, selCount);
      cand = this.candidates;
      count = selectContaining(lines, offsets, this.anchor, sel, selCount, cand);
    }
    let n = 0;
    for (let k = 0; k < count; k++) {
      const line = cand[k]!;
      if (this.matchBytes(lines, offsets[line]!, offsets[line + 1]!)) out[n++] = line;
    }
    return n;
  }

  describe(): string {
    return `pattern(${JSON.stringify(this.source)})`;
  }
}
