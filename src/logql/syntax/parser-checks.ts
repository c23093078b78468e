// Parse-time checks of the `regexp` and `pattern` parser stages.
//
// Loki builds these parsers while reading the query, so a bad expression is a
// parse error ("invalid regexp parser: ...") rather than a runtime one.
import { compileGoRegexp, RegexpSyntaxError } from '../../util/regexp.js';

/** Loki's complaint about a `| regexp "..."` expression, or null when it is usable. */
export function regexpParserError(expr: string): string | null {
  let names: ReadonlyArray<string | undefined>;
  let groups: number;
  try {
    const re = compileGoRegexp(expr);
    names = re.groupNames;
    groups = re.groupCount;
  } catch (err) {
    if (!(err instanceof RegexpSyntaxError)) throw err;
    // RE2 rejects repeated group names itself; Go accepts them and Loki then
    // reports the duplicate in its own words.
    const dup = /^error parsing regexp: duplicate capture group name: `(.*)`$/s.exec(err.message);
    if (dup) return `duplicate extracted label name '${dup[1]}'`;
    return err.message;
  }
  if (groups === 0) return 'at least one named capture must be supplied';
  const seen = new Set<string>();
  for (const name of names) {
    if (name === undefined || name === '') continue;
    if (seen.has(name)) return `duplicate extracted label name '${name}'`;
    seen.add(name);
  }
  if (seen.size === 0) return 'at least one named capture must be supplied';
  return null;
}

const capture = /<([A-Za-z_][A-Za-z0-9_]*)>/y;

/** The captures of a pattern expression (`<name>`, `<_>`), with whether each directly follows another. */
function patternCaptures(expr: string): Array<{ name: string; adjacentToPrevious: boolean }> {
  const out: Array<{ name: string; adjacentToPrevious: boolean }> = [];
  let previousEnd = -1;
  let i = 0;
  while (i < expr.length) {
    capture.lastIndex = i;
    const m = capture.exec(expr);
    if (m) {
      out.push({ name: m[1], adjacentToPrevious: previousEnd === i });
      i = capture.lastIndex;
      previousEnd = i;
    } else {
      i++;
    }
  }
  return out;
}

/** Loki's complaint about a `| pattern "..."` expression, or null when it is usable. */
export function patternParserError(expr: string): string | null {
  const caps = patternCaptures(expr);
  if (!caps.some((c) => c.name !== '_')) return 'at least one capture is required';
  for (let i = 1; i < caps.length; i++) {
    if (caps[i].adjacentToPrevious) {
      return `found consecutive capture '<${caps[i - 1].name}><${caps[i].name}>': invalid expression`;
    }
  }
  const seen = new Set<string>();
  for (const c of caps) {
    if (c.name === '_') continue;
    if (seen.has(c.name)) return `duplicate capture name (${c.name}): invalid expression`;
    seen.add(c.name);
  }
  return null;
}
