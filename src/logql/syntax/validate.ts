// Loki's checks after a query has been read (syntax.validateExpr).
//
// They run in Loki's order so that the first problem reported is the same:
// an operation's own error first, then its arguments left to right, and for
// every selector the rule that it must not match all streams.
import type { Expr, LogSelectorExpr, SampleExpr } from './ast.js';
import { errAtLeastOneEqualityMatcher, ParseError } from './errors.js';
import { hasSelectiveMatcher } from './matchers.js';
import type { DeferredErrors } from './parser.js';

export function validateExpr(e: Expr, deferred: DeferredErrors): void {
  if (e.kind === 'log_selector') validateSelector(e);
  else validateSample(e, deferred);
}

function fail(deferred: DeferredErrors, node: object): void {
  const msg = deferred.get(node);
  if (msg !== undefined) throw new ParseError(msg);
}

function validateSelector(e: LogSelectorExpr): void {
  if (!hasSelectiveMatcher(e.matchers)) throw new ParseError(errAtLeastOneEqualityMatcher);
}

function validateSample(e: SampleExpr, deferred: DeferredErrors): void {
  fail(deferred, e);
  switch (e.kind) {
    case 'binary':
      validateSample(e.lhs, deferred);
      validateSample(e.rhs, deferred);
      return;
    case 'literal':
    case 'vector':
      return;
    case 'vector_agg':
      if ((e.op === 'sort' || e.op === 'sort_desc') && e.grouping.labels.length > 0) {
        throw new ParseError("sort and sort_desc doesn't allow grouping by ");
      }
      validateSample(e.expr, deferred);
      return;
    case 'label_replace':
      validateSample(e.expr, deferred);
      return;
    case 'range_agg':
      validateSelector(e.range.selector);
      return;
  }
}
