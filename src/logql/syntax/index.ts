// LogQL syntax: reading, checking and printing queries the way Loki does.
//
//   parseExpr(query)          any query; throws ParseError with Loki's message
//   parseSampleExpr(query)    metric queries only
//   parseLogSelector(query)   log queries only
//   parseMatchers(selector)   `{a="b"}` of the series/labels APIs
//   parseStreamLabels(text)   label sets of push requests
//   formatExpr(expr)          canonical one-line form (Loki's Expr.String())
//   prettifyExpr(expr)        multi-line form (Loki's syntax.Prettify)
import type { Expr, LogSelectorExpr, Matcher, SampleExpr } from './ast.js';
import {
  errOnlyLogSelector,
  errOnlyMatchers,
  errOnlySampleExpr,
  maxQueryBytes,
  ParseError,
  QueryKindError,
} from './errors.js';
import { parseWithDeferredErrors } from './parser.js';
import { validateExpr } from './validate.js';

export * from './ast.js';
export {
  errAtLeastOneEqualityMatcher,
  errOnlyLogSelector,
  errOnlyMatchers,
  errOnlySampleExpr,
  maxQueryBytes,
  ParseError,
  QueryKindError,
} from './errors.js';
export {
  formatExpr,
  formatLabelFilter,
  formatLogRange,
  formatLogSelector,
  formatMatchers,
  formatStage,
} from './format.js';
export { formatMatcher, hasSelectiveMatcher, matchesEmpty } from './matchers.js';
export { maxCharsPerLine, prettifyExpr } from './prettify.js';
export { parseStreamLabels, type StreamLabel, StreamLabelsError } from './stream-labels.js';
export * from './units.js';

export interface ParseOptions {
  /**
   * Apply Loki's checks after reading (default true): aggregation rules and
   * the requirement that a selector not match every stream.
   */
  validate?: boolean;
}

function checkSize(query: string): void {
  if (query.length * 3 < maxQueryBytes) return;
  const bytes = Buffer.byteLength(query);
  if (bytes >= maxQueryBytes) throw new ParseError(`input size too long (${bytes} > ${maxQueryBytes})`);
}

function read(query: string): ReturnType<typeof parseWithDeferredErrors> {
  checkSize(query);
  return parseWithDeferredErrors(query);
}

/** Parses and validates a LogQL query (Loki's `syntax.ParseExpr`). */
export function parseExpr(query: string): Expr {
  const { expr, deferred } = read(query);
  validateExpr(expr, deferred);
  return expr;
}

/** Parses a metric query (Loki's `syntax.ParseSampleExpr`). */
export function parseSampleExpr(query: string): SampleExpr {
  const e = parseExpr(query);
  if (e.kind === 'log_selector') throw new QueryKindError(errOnlySampleExpr);
  return e;
}

/** Parses a log query (Loki's `syntax.ParseLogSelector`). */
export function parseLogSelector(query: string, options: ParseOptions = {}): LogSelectorExpr {
  const { expr } = read(query);
  if (expr.kind !== 'log_selector') throw new QueryKindError(errOnlyLogSelector);
  // A log query carries no deferred errors: only the selector rule remains.
  if (options.validate ?? true) validateExpr(expr, new Map());
  return expr;
}

/**
 * Parses a bare selector such as the `match[]` of the series API (Loki's
 * `syntax.ParseMatchers`); a pipeline or a metric query is refused.
 */
export function parseMatchers(selector: string, options: ParseOptions = {}): Matcher[] {
  const { expr, deferred } = read(selector);
  if (options.validate ?? true) validateExpr(expr, deferred);
  if (expr.kind !== 'log_selector' || expr.stages.length > 0) throw new QueryKindError(errOnlyMatchers);
  return expr.matchers;
}
