// label_replace(v, dst, replacement, src, regex): for every series whose
// `src` label value (empty when missing) matches the anchored regex, set
// `dst` to the replacement with `$1`, `${name}` expanded as Go's
// Regexp.Expand does; an empty result deletes `dst`. Series that do not
// match pass unchanged. Labels are computed once per series, not per sample.
import { type Label, sortLabels } from '../../util/labels.js';
import { compileGoRegexp, type GoRegexp, RegexpSyntaxError } from '../../util/regexp.js';
import { ParseError } from '../syntax/errors.js';
import type { StepMatrix } from './types.js';

export interface LabelReplace {
  dst: string;
  replacement: string;
  src: string;
  /** As written; matched anchored, as `^(?:regex)$`. */
  regex: string;
}

export function compileLabelReplaceRegexp(regex: string): GoRegexp {
  try {
    return compileGoRegexp(`^(?:${regex})$`);
  } catch (err) {
    if (err instanceof RegexpSyntaxError) throw new ParseError(`invalid regex in label_replace: ${err.message}`);
    throw err;
  }
}

export function labelReplace(input: StepMatrix, spec: LabelReplace): StepMatrix {
  const re = compileLabelReplaceRegexp(spec.regex);
  const series = input.series.map((s) => {
    let src = '';
    for (const l of s.labels) if (l.name === spec.src) src = l.value;
    const match = re.exec(src);
    if (!match) return s;
    const value = expandTemplate(spec.replacement, src, match, re.groupNames);
    const labels: Label[] = s.labels.filter((l) => l.name !== spec.dst);
    if (value !== '') {
      labels.push({ name: spec.dst, value });
      sortLabels(labels);
    }
    return { labels, values: s.values, present: s.present };
  });
  return { grid: input.grid, series };
}

const nameChar = /[\p{L}\p{Nd}_]/u;

/**
 * Go's Regexp.Expand: `$$` is a dollar, `$name`/`${name}` the named or
 * numbered group (the longest run of letters, digits and underscores, so
 * `$1x` names group "1x"), unknown or unmatched groups expand to nothing,
 * and a malformed reference leaves the `$` as is.
 */
export function expandTemplate(
  template: string,
  src: string,
  match: readonly number[],
  groupNames: ReadonlyArray<string | undefined>,
): string {
  let out = '';
  let rest = template;
  for (;;) {
    const dollar = rest.indexOf('$');
    if (dollar < 0) break;
    out += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const ref = extractReference(rest);
    if (!ref) {
      out += '$';
      continue;
    }
    rest = rest.slice(ref.length);
    let group = ref.num;
    if (group < 0) group = groupNames.indexOf(ref.name);
    if (group >= 0 && 2 * group + 1 < match.length && match[2 * group]! >= 0) {
      out += src.slice(match[2 * group]!, match[2 * group + 1]!);
    }
  }
  return out + rest;
}

/** A `name` or `{name}` reference at the start of `s`: its name, group number (-1 if not numeric) and length. */
function extractReference(s: string): { name: string; num: number; length: number } | null {
  let i = 0;
  const brace = s.startsWith('{');
  if (brace) i = 1;
  const nameStart = i;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (!nameChar.test(ch)) break;
    i += ch.length;
  }
  if (i === nameStart) return null;
  const name = s.slice(nameStart, i);
  if (brace) {
    if (s[i] !== '}') return null;
    i++;
  }
  let num = 0;
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c < 0x30 || c > 0x39 || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + (c - 0x30);
  }
  if (name.length > 1 && name[0] === '0') num = -1;
  return { name, num, length: i };
}
