// Label sets: the identity of a stream and of a series.
//
// A label set is an array of name/value pairs sorted by name, and its
// canonical text form is Prometheus' `{a="b", c="d"}` (Go-quoted values),
// which Loki also uses as the stream key. Keeping one canonical form lets the
// ingester, the index and the querier agree on identity without re-sorting.
import { createHash } from 'node:crypto';

export interface Label {
  readonly name: string;
  readonly value: string;
}

export type Labels = readonly Label[];

/** Sorts by name (in place) and returns the array; Loki orders labels by byte-wise name. */
export function sortLabels<T extends Label[]>(labels: T): T {
  return labels.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The canonical `{a="b", c="d"}` form of a sorted label set. */
export function labelsToString(labels: Labels): string {
  let out = '{';
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (i > 0) out += ', ';
    out += `${l.name}=${goQuote(l.value)}`;
  }
  return `${out}}`;
}

export function labelsFromRecord(record: Readonly<Record<string, string>>): Label[] {
  return sortLabels(Object.entries(record).map(([name, value]) => ({ name, value })));
}

export function labelsToRecord(labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of labels) out[l.name] = l.value;
  return out;
}

export function getLabel(labels: Labels, name: string): string | undefined {
  for (const l of labels) if (l.name === name) return l.value;
  return undefined;
}

/**
 * A 64-bit fingerprint of a label set, as 16 hex digits. It names a stream's
 * chunks in object storage and spreads streams over ingesters; a cryptographic
 * hash keeps it stable across versions and platforms.
 */
export function fingerprint(labelsKey: string): string {
  return createHash('sha256').update(labelsKey).digest('hex').slice(0, 16);
}

/** The fingerprint's first 32 bits as an unsigned integer, for hashing onto a ring. */
export function fingerprintToken(fp: string): number {
  return Number.parseInt(fp.slice(0, 8), 16) >>> 0;
}

// Any character outside printable ASCII, or a quote or backslash, needs the slow path.
function needsEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f || c === 0x22 || c === 0x5c) return true;
  }
  return false;
}

/**
 * Go's strconv.Quote: double-quoted, with \" \\ \n \t \r escaped, other control
 * characters as \x.. or \u...., and printable Unicode kept as it is.
 */
export function goQuote(s: string): string {
  if (!needsEscape(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp === 0xfffd && ch !== '\ufffd') out += '\\ufffd';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (!isPrintable(cp))
      out += cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

// Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const printable = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

function isPrintable(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  return printable.test(String.fromCodePoint(cp));
}
