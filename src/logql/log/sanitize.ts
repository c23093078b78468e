// Label names produced by parsers follow Loki's sanitisation: surrounding
// white space is trimmed, every character outside [A-Za-z0-9_] becomes `_`,
// and a name that would start with a digit gets a leading `_`.

/** Go's unicode.IsSpace, which differs from JavaScript's trim (U+0085 yes, U+FEFF no). */
export function isGoSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Go's strings.TrimSpace. */
export function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isGoSpace(s.charCodeAt(start))) start++;
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

function isLabelChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

/**
 * Replaces every code point outside [A-Za-z0-9_] with `_`; a surrogate pair is
 * one code point and becomes one `_`, as Go maps runes, not bytes.
 */
function mapLabelChars(s: string): string {
  let clean = true;
  for (let i = 0; i < s.length; i++) {
    if (!isLabelChar(s.charCodeAt(i))) {
      clean = false;
      break;
    }
  }
  if (clean) return s;
  let out = '';
  for (const ch of s) out += ch.length === 1 && isLabelChar(ch.charCodeAt(0)) ? ch : '_';
  return out;
}

function startsWithDigit(s: string): boolean {
  const c = s.charCodeAt(0);
  return c >= 0x30 && c <= 0x39;
}

/** Loki's sanitizeLabelKey(key, true): the name a parser gives to a top-level key ("" means skip it). */
export function sanitizeLabelKey(key: string): string {
  const trimmed = goTrimSpace(key);
  if (trimmed.length === 0) return '';
  return mapLabelChars(startsWithDigit(trimmed) ? `_${trimmed}` : trimmed);
}

/**
 * Appends one JSON key to an already sanitised prefix the way Loki flattens
 * nested objects: a blank key adds nothing, parts are joined with `_`, and
 * only the very first part gets the leading `_` before a digit.
 */
export function appendSanitizedPath(prefix: string, key: string): string {
  const trimmed = goTrimSpace(key);
  if (trimmed.length === 0) return prefix;
  if (prefix.length > 0) return `${prefix}_${mapLabelChars(trimmed)}`;
  return mapLabelChars(startsWithDigit(trimmed) ? `_${trimmed}` : trimmed);
}
