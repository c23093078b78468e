// Loki's pattern expressions (`<ip> - - [<_>] "<method> <path> <_>"`): named
// captures `<name>`, unnamed captures `<_>` and literal text in between.
// Matching is anchored at the start, each capture runs to the next occurrence
// of the following literal, and a capture whose literal never occurs takes
// the rest of the line and ends the match.

export class PatternSyntaxError extends Error {
  override name = 'PatternSyntaxError';
}

type PatternNode = { capture: string } | { literal: string };

const CAPTURE = /^<([A-Za-z_][A-Za-z0-9_]*)>/;

/** Splits a pattern into captures and literals (every other character is literal text). */
export function parsePattern(pattern: string): PatternNode[] {
  if (pattern.length === 0) {
    throw new PatternSyntaxError(
      'parse error at line 1, col 1: syntax error: unexpected $end, expecting IDENTIFIER or LITERAL',
    );
  }
  const nodes: PatternNode[] = [];
  let literal = '';
  let i = 0;
  while (i < pattern.length) {
    if (pattern[i] === '<') {
      const m = CAPTURE.exec(pattern.slice(i));
      if (m) {
        if (literal.length > 0) nodes.push({ literal });
        literal = '';
        nodes.push({ capture: m[1]! });
        i += m[0].length;
        continue;
      }
    }
    literal += pattern[i];
    i++;
  }
  if (literal.length > 0) nodes.push({ literal });
  return nodes;
}

function isCapture(n: PatternNode): n is { capture: string } {
  return 'capture' in n;
}

/**
 * A compiled pattern: captures alternate with literals. `names` are the named
 * captures in order; `matches` returns their values, possibly fewer of them
 * when the line ends early.
 */
export class PatternMatcher {
  readonly names: readonly string[];
  /** Literal that must start the line, or null when the pattern starts with a capture. */
  private readonly prefix: string | null;
  /** After the prefix: capture names (null for `<_>`) and the literal following each ("" at the end). */
  private readonly captures: ReadonlyArray<string | null>;
  private readonly literals: readonly string[];
  private readonly values: string[] = [];

  constructor(pattern: string) {
    const nodes = parsePattern(pattern);
    validate(nodes);
    this.names = nodes
      .filter(isCapture)
      .map((n) => n.capture)
      .filter((n) => n !== '_');
    let i = 0;
    if (!isCapture(nodes[0]!)) {
      this.prefix = (nodes[0] as { literal: string }).literal;
      i = 1;
    } else {
      this.prefix = null;
    }
    const captures: Array<string | null> = [];
    const literals: string[] = [];
    for (; i < nodes.length; i += 2) {
      const c = (nodes[i] as { capture: string }).capture;
      captures.push(c === '_' ? null : c);
      const next = nodes[i + 1];
      literals.push(next === undefined ? '' : (next as { literal: string }).literal);
    }
    this.captures = captures;
    this.literals = literals;
  }

  /** The values of the named captures, in order (an array reused by the next call). */
  matches(line: string): readonly string[] {
    const out = this.values;
    out.length = 0;
    if (line.length === 0) return out;
    let pos = 0;
    if (this.prefix !== null) {
      if (!line.startsWith(this.prefix)) return out;
      pos = this.prefix.length;
    }
    const captures = this.captures;
    const literals = this.literals;
    for (let k = 0; k < captures.length; k++) {
      const name = captures[k];
      const lit = literals[k]!;
      if (lit.length === 0) {
        // The pattern ends on a capture: it takes the rest of the line.
        if (name !== null) out.push(line.slice(pos));
        return out;
      }
      const at = line.indexOf(lit, pos);
      if (at === -1) {
        if (name !== null) out.push(line.slice(pos));
        return out;
      }
      if (name !== null) out.push(line.slice(pos, at));
      pos = at + lit.length;
    }
    return out;
  }
}

function validate(nodes: readonly PatternNode[]): void {
  const names = nodes
    .filter(isCapture)
    .map((n) => n.capture)
    .filter((n) => n !== '_');
  if (names.length === 0) throw new PatternSyntaxError('at least one capture is required');
  for (let i = 0; i + 1 < nodes.length; i++) {
    const a = nodes[i]!;
    const b = nodes[i + 1]!;
    if (isCapture(a) && isCapture(b)) {
      throw new PatternSyntaxError(`found consecutive capture '<${a.capture}><${b.capture}>': invalid expression`);
    }
  }
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new PatternSyntaxError(`duplicate capture name (${n}): invalid expression`);
    seen.add(n);
  }
}
