// Label matchers: Loki's parse-time checks and Prometheus' printed form.
import { compileGoRegexp, RegexpSyntaxError } from '../../util/regexp.js';
import type { Matcher, MatchOp } from './ast.js';
import { goQuote } from './gostrconv.js';

/**
 * Go's error text for a matcher regexp that does not compile, or null.
 * Prometheus compiles matcher values as `^(?s:value)$` after checking the
 * bare value, so the bare value's error is the one users see.
 */
export function matcherRegexpError(value: string): string | null {
  try {
    compileGoRegexp(value);
    return null;
  } catch (err) {
    if (err instanceof RegexpSyntaxError) return err.message;
    throw err;
  }
}

/** Whether a matcher selects streams that lack its label (whose value is then ""). */
export function matchesEmpty(op: MatchOp, value: string): boolean {
  switch (op) {
    case '=':
      return value === '';
    case '!=':
      return value !== '';
    case '=~':
      return compileGoRegexp(`^(?s:${value})$`).test('');
    case '!~':
      return !compileGoRegexp(`^(?s:${value})$`).test('');
  }
}

/**
 * Loki's rule that a query must not select every stream: at least one
 * matcher has to reject the empty value (`=~".*"` is ignored outright).
 */
export function hasSelectiveMatcher(matchers: readonly Matcher[]): boolean {
  for (const m of matchers) {
    if (m.op === '=~' && m.value === '.*') continue;
    if (!matchesEmpty(m.op, m.value)) return true;
  }
  return false;
}

/** Whether Prometheus prints a label name bare (legacy `[a-zA-Z_][a-zA-Z0-9_]*` names). */
function isBareName(name: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name);
}

/** Prometheus' `Matcher.String()`: `name="value"`, quoting names that are not legacy identifiers. */
export function formatMatcher(m: { name: string; op: MatchOp; value: string }): string {
  const name = isBareName(m.name) ? m.name : goQuote(m.name);
  return `${name}${m.op}${goQuote(m.value)}`;
}
