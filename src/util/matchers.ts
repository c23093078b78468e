// Label matchers (`=`, `!=`, `=~`, `!~`) as Prometheus and Loki evaluate them:
// regular expressions are Go RE2 and anchored at both ends, and a label that is
// absent has the value "".
import { compileGoRegexp, type GoRegexp } from './regexp.js';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
}

export interface CompiledMatcher extends LabelMatcher {
  matches(value: string): boolean;
  /** True when a series without this label (value "") is selected. */
  readonly matchesEmpty: boolean;
}

/** Literal alternations such as `a|b|c` (the common regex in dashboards) become a set lookup. */
function literalAlternatives(re: string): string[] | null {
  // Only characters that are literal in a regular expression ('.' is not).
  if (!/^[\w\-/: ]+(\|[\w\-/: ]+)*$/.test(re)) return null;
  return re.split('|');
}

export function compileMatcher(m: LabelMatcher): CompiledMatcher {
  let test: (v: string) => boolean;
  switch (m.op) {
    case '=':
      test = (v) => v === m.value;
      break;
    case '!=':
      test = (v) => v !== m.value;
      break;
    case '=~':
    case '!~': {
      const alts = literalAlternatives(m.value);
      let positive: (v: string) => boolean;
      if (alts) {
        const set = new Set(alts);
        positive = (v) => set.has(v);
      } else if (m.value === '.*') {
        positive = (v) => !v.includes('\n');
      } else if (m.value === '.+') {
        positive = (v) => v.length > 0 && !v.includes('\n');
      } else {
        const re: GoRegexp = compileGoRegexp(`^(?:${m.value})$`);
        positive = (v) => re.test(v);
      }
      test = m.op === '=~' ? positive : (v) => !positive(v);
      break;
    }
  }
  return { name: m.name, op: m.op, value: m.value, matches: test, matchesEmpty: test('') };
}
