// Go's Regexp.ExpandString and FindAllStringSubmatchIndex, which relabelling
// and the replace stage are defined in terms of.
//
// Expansion follows Go exactly, including its surprises: `$1x` names a group
// called "1x" (so it expands to nothing), `${1}x` is group 1 followed by "x",
// `$$` is a dollar, and a `$` that starts no valid name stays literal.
import type { GoRegexp } from '../../util/regexp.js';

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/** The text of group `group` of `match` in `src`, or '' when it did not take part. */
function groupText(src: string, match: readonly number[], group: number): string {
  const start = match[2 * group];
  if (start === undefined || start < 0) return '';
  return src.slice(start, match[2 * group + 1]);
}

function groupNumber(name: string): number {
  if (!/^[0-9]{1,8}$/.test(name)) return -1;
  if (name.length > 1 && name[0] === '0') return -1;
  return Number(name);
}

/** Expands `template` for one match of `re` in `src` (Regexp.ExpandString). */
export function expandTemplate(re: GoRegexp, template: string, src: string, match: readonly number[]): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    const braced = template[i] === '{';
    let j = braced ? i + 1 : i;
    const nameStart = j;
    while (j < template.length) {
      const cp = template.codePointAt(j)!;
      const ch = String.fromCodePoint(cp);
      if (!NAME_CHAR.test(ch)) break;
      j += ch.length;
    }
    const name = template.slice(nameStart, j);
    if (name === '' || (braced && template[j] !== '}')) {
      // Not a reference: the dollar is literal text.
      out += '$';
      continue;
    }
    i = braced ? j + 1 : j;
    const num = groupNumber(name);
    if (num >= 0) {
      if (num <= re.groupCount) out += groupText(src, match, num);
    } else {
      const idx = re.groupNames.indexOf(name);
      if (idx > 0) out += groupText(src, match, idx);
    }
  }
  return out;
}

/** Prometheus' varInRegexTemplate: a template with a `$` is only checked after expansion. */
export function hasGroupReference(template: string): boolean {
  return template.includes('$');
}

/** Every successive non-overlapping match (Regexp.FindAllStringSubmatchIndex with n = -1). */
export function findAllSubmatchIndex(re: GoRegexp, src: string): number[][] {
  const out: number[][] = [];
  let pos = 0;
  let prevEnd = -1;
  while (pos <= src.length) {
    const m = re.exec(src, pos);
    if (!m) break;
    const [start, end] = m as [number, number];
    let accept = true;
    if (end === start) {
      // An empty match adjacent to the previous match is skipped, as in Go.
      if (start === prevEnd) accept = false;
      pos = start + charWidth(src, start);
      if (start >= src.length) pos = src.length + 1;
    } else {
      pos = end;
    }
    prevEnd = end;
    if (accept) out.push(m);
  }
  return out;
}

function charWidth(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
}
