// Label sets as logcli prints and trims them: `{a="1", b="2"}` with keys in
// byte order and values quoted by Go's strconv.Quote; common labels (the pairs
// every stream shares) and the --include-label / --exclude-label filters.
import { goQuote } from '../util/labels.js';
import { compareBytes, type JsonObject } from './format/go-json.js';

export type LabelSet = ReadonlyMap<string, string>;

export const EMPTY_LABELS: LabelSet = new Map();

export function labelSetFromRecord(record: Readonly<Record<string, unknown>>): LabelSet {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(record)) out.set(k, typeof v === 'string' ? v : String(v));
  return out;
}

function sortedKeys(ls: LabelSet): string[] {
  return [...ls.keys()].sort(compareBytes);
}

/** loghttp.LabelSet.String(): `{a="1", b="2"}`, `{}` when empty. */
export function formatLabelSet(ls: LabelSet): string {
  return `{${sortedKeys(ls)
    .map((k) => `${k}=${goQuote(ls.get(k)!)}`)
    .join(', ')}}`;
}

/** The label set as a JSON object with sorted keys (a Go map). */
export function labelSetJson(ls: LabelSet): JsonObject {
  return new Map(sortedKeys(ls).map((k) => [k, ls.get(k)!]));
}

/** The pairs present, with the same value, in every set (all of a lone set). */
export function commonLabels(sets: readonly LabelSet[]): LabelSet {
  if (sets.length === 0) return EMPTY_LABELS;
  let result: LabelSet = sets[0];
  for (let i = 1; i < sets.length; i++) {
    const next = new Map<string, string>();
    for (const [k, v] of result) if (sets[i].get(k) === v) next.set(k, v);
    result = next;
  }
  return result;
}

/** `a` without the pairs that `b` has with the same value. */
export function subtractLabels(a: LabelSet, b: LabelSet): LabelSet {
  const out = new Map<string, string>();
  for (const [k, v] of a) if (b.get(k) !== v) out.set(k, v);
  return out;
}

/** Keeps the names listed (`keep` true) or the names not listed (`keep` false). */
export function matchLabels(keep: boolean, ls: LabelSet, names: readonly string[]): LabelSet {
  const wanted = new Set(names);
  const out = new Map<string, string>();
  for (const [k, v] of ls) if (wanted.has(k) === keep) out.set(k, v);
  return out;
}
