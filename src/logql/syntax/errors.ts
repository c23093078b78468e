// Errors raised while reading LogQL.
//
// Loki reports every query problem as a `ParseError` whose text is one of two
// shapes, and clients (Grafana, logcli, alerting rules) show it verbatim:
//
//   parse error at line 1, col 14: syntax error: unexpected IDENTIFIER
//   parse error : queries require at least one regexp or equality matcher ...
//
// The first carries the position of the token where reading stopped; the second
// (line and column both 0) is used for problems found after the query was
// read, such as an aggregation that needs `| unwrap`. Line 0 with a non-zero
// column also occurs: Loki's lexer forgets the line of tokens it completes
// character by character (`|=`, `[5m]`, `250ms`, ...) and we keep that quirk
// so that messages match byte for byte.

/** A query that cannot be read or fails Loki's parse-time checks. */
export class ParseError extends Error {
  override name = 'ParseError';
  /** 1-based line of the offending token; 0 when the error has no position. */
  readonly line: number;
  /** 1-based column (in characters) of the offending token; 0 when the error has no position. */
  readonly col: number;
  /** The message without the `parse error ...:` prefix. */
  readonly reason: string;

  constructor(reason: string, line = 0, col = 0) {
    super(line === 0 && col === 0 ? `parse error : ${reason}` : `parse error at line ${line}, col ${col}: ${reason}`);
    this.reason = reason;
    this.line = line;
    this.col = col;
  }
}

/**
 * A well-formed query of the wrong kind for the entry point, e.g. a log query
 * given where a metric query is required. Loki words these without the
 * `parse error` prefix.
 */
export class QueryKindError extends Error {
  override name = 'QueryKindError';
}

/** Loki's wording for a selector that could match every stream. */
export const errAtLeastOneEqualityMatcher =
  'queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will';

/** `parseSampleExpr` given a log query. */
export const errOnlySampleExpr = 'only sample expression supported';
/** `parseLogSelector` given a metric query. */
export const errOnlyLogSelector = 'only log selector is supported';
/** `parseMatchers` given anything but a bare selector. */
export const errOnlyMatchers = 'only label matchers are supported';

/** Longest query Loki accepts, in bytes (exclusive). */
export const maxQueryBytes = 131072;
