// Public shapes of LogQL line filters: what the parser hands over (a spec)
// and what the query engine gets back (a compiled filter).

/** The six LogQL line filter operators. */
export type LineFilterOp = '|=' | '!=' | '|~' | '!~' | '|>' | '!>';

/** One operand of a line filter: a string, or `ip("...")`. */
export interface LineFilterValue {
  readonly type: 'string' | 'ip';
  readonly value: string;
}

/**
 * A line filter stage. Several values form an `or` chain: `|= "a" or "b"`
 * keeps lines containing either, while `!= "a" or "b"` keeps lines containing
 * neither (Loki rewrites `!(a or b)` to `!a and !b`).
 */
export interface LineFilterSpec {
  readonly op: LineFilterOp;
  readonly values: readonly LineFilterValue[];
}

/** A literal a line must contain for the positive form of a filter to match. */
export interface RequiredLiteral {
  readonly text: string;
  /** UTF-8 bytes of `text`; ASCII letters lower-cased when `caseInsensitive`. */
  readonly bytes: Buffer;
  /**
   * Compared as `(?i)` does. Such literals are ASCII, and besides the other
   * case of letters 'k' also matches U+212A KELVIN SIGN and 's' U+017F LONG S.
   */
  readonly caseInsensitive: boolean;
}

/** What a caller can decide about a filter without running it. */
export interface LineFilterHints {
  /** Every line passes ('all'), no line passes ('none'), or it depends on the line (null). */
  readonly constant: 'all' | 'none' | null;
  /**
   * Literals deciding whole blocks or chunks: when none of `anyOf` occurs in a
   * text, no line of it passes (`absentMeans: 'none'`, positive filters) or
   * every line passes (`absentMeans: 'all'`, negative filters). Null when the
   * filter has no such literal.
   */
  readonly literals: {
    readonly anyOf: readonly RequiredLiteral[];
    readonly absentMeans: 'none' | 'all';
  } | null;
}

/** A compiled line filter. It keeps scratch buffers between calls: compile one per worker thread. */
export interface LineFilter {
  readonly spec: LineFilterSpec;
  readonly hints: LineFilterHints;
  matchString(line: string): boolean;
  /** Whether the line `buf[start..end)` passes. */
  matchBytes(buf: Buffer, start: number, end: number): boolean;
  /**
   * The fast path over a decoded block: line `i` is `lines[offsets[i]..offsets[i+1])`.
   * `sel[0..selCount)` holds the ascending indices of the lines still alive;
   * the indices of those that pass are written to `out` (at least `selCount`
   * long, and possibly `sel` itself) in ascending order, and their number is
   * returned.
   */
  filterBlock(lines: Buffer, offsets: Uint32Array, sel: Uint32Array, selCount: number, out: Uint32Array): number;
  /**
   * False only when no line contained in `text` can pass (any bytes holding
   * whole lines, e.g. a raw chunk block), judged from `hints` alone.
   */
  mayPassAnyLine(text: Buffer): boolean;
  /** True only when every line contained in `text` passes, judged from `hints` alone. */
  passesEveryLine(text: Buffer): boolean;
  /** How the filter is evaluated, e.g. `anyOf(containsFold("error"), containsFold("fail"))`. */
  describe(): string;
}
