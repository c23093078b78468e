// Small pieces of Go's text formatting that logcli's output depends on.

// unicode.IsSpace: the ASCII white space, U+0085, U+00A0 and the Unicode
// space separators. Unlike String.prototype.trim, U+FEFF is not space.
const GO_SPACE =
  '\t\n\v\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

/** Go's strings.TrimSpace. */
export function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && GO_SPACE.includes(s[start])) start++;
  while (end > start && GO_SPACE.includes(s[end - 1])) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/**
 * Go's `%.Nf` of a float: like toFixed, except that an exact tie rounds to
 * the even digit (Go: 10.5 -> "10", JavaScript: "11").
 */
export function goFixed(v: number, digits: number): string {
  const scaled = v * 10 ** digits;
  if (
    Number.isFinite(scaled) &&
    Math.abs(scaled) < 2 ** 52 &&
    scaled - Math.trunc(scaled) === 0.5 * Math.sign(scaled)
  ) {
    const down = Math.trunc(scaled);
    const even = down % 2 === 0 ? down : down + Math.sign(scaled);
    return (even / 10 ** digits).toFixed(digits);
  }
  return v.toFixed(digits);
}

const SI_SIZES = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** go-humanize's Bytes: SI units, `83 MB`, `1.2 kB`, `9 B`. */
export function humanizeBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const e = Math.floor(Math.log(n) / Math.log(1000));
  const val = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  return `${goFixed(val, val < 10 ? 1 : 0)} ${SI_SIZES[e]}`;
}
