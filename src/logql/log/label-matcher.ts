// String matchers on label values (`=`, `!=`, `=~`, `!~`). Regular
// expressions are Go's, anchored at both ends. Label filters follow Loki's
// label filters: simple patterns are reduced to string tests (label-regexp.ts)
// and the others anchored without the s flag; the matchers of `drop`/`keep`
// are Prometheus matchers, where `.` matches newlines too.
import { compileGoRegexp, RegexpSyntaxError } from '../../util/regexp.js';
import { StageCompileError } from './errors.js';
import { reduceLabelRegexp } from './label-regexp.js';
import type { MatchOp } from './options.js';

export type ValueMatcher = (value: string) => boolean;

export type RegexpFlavour = 'labelFilter' | 'prometheus';

export function compileValueMatcher(op: MatchOp, value: string, flavour: RegexpFlavour): ValueMatcher {
  switch (op) {
    case '=':
      return (v) => v === value;
    case '!=':
      return (v) => v !== value;
    case '=~':
    case '!~': {
      const test = compileAnchored(value, flavour);
      return op === '=~' ? test : (v) => !test(v);
    }
  }
}

function compileAnchored(re: string, flavour: RegexpFlavour): ValueMatcher {
  try {
    // The pattern alone first: errors then quote it as the user wrote it, and a
    // pattern such as `a)|(b` cannot become valid once wrapped.
    compileGoRegexp(re);
    if (flavour === 'labelFilter') {
      // Loki reduces simple label regexps to string tests (see label-regexp.ts).
      const reduced = reduceLabelRegexp(re);
      if (reduced !== null) return reduced;
    } else if (re === '.*') {
      return () => true;
    }
    const compiled = compileGoRegexp(flavour === 'prometheus' ? `^(?s:${re})$` : `^(?:${re})$`);
    return (v) => compiled.test(v);
  } catch (err) {
    if (err instanceof RegexpSyntaxError) throw new StageCompileError(err.message);
    throw err;
  }
}
