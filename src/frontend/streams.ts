// Joining the `streams` answers of a log query read interval by interval.
// The inner answers cover disjoint time ranges and arrive in reading order
// (newest range first going backward), so each stream's entries are the
// concatenation of its entries in each answer, in answer order. Streams are
// ordered by their label text, as the engine orders them, and written with
// the engine's encoding so that the joined answer equals a single query's.
// Under categorize-labels a value has a third element (the entry's structured
// metadata and parsed labels), which is carried through as it came.
import { labelsToString, sortLabels } from '../util/labels.js';

/** `[ts, line]`, or `[ts, line, {structuredMetadata?, parsed?}]` under categorize-labels. */
type WireValue = [string, string] | [string, string, Record<string, Record<string, string>>];

interface WireStream {
  stream: Record<string, string>;
  values: WireValue[];
}

export interface StreamsPiece {
  /** Entries per stream text; entry order is the query direction. */
  readonly streams: Map<string, WireStream>;
  readonly entries: number;
}

/** Reads a `streams` result and counts its entries. */
export function parseStreams(resultJSON: string): StreamsPiece {
  const wire = JSON.parse(resultJSON) as WireStream[];
  const streams = new Map<string, WireStream>();
  let entries = 0;
  for (const s of wire) {
    entries += s.values.length;
    const key = labelsToString(sortLabels(Object.entries(s.stream).map(([name, value]) => ({ name, value }))));
    const have = streams.get(key);
    if (have) for (const v of s.values) have.values.push(v);
    else streams.set(key, { stream: s.stream, values: [...s.values] });
  }
  return { streams, entries };
}

/** The pieces (in reading order) as one `streams` result JSON. */
export function mergeStreams(pieces: readonly StreamsPiece[]): string {
  const all = new Map<string, WireStream>();
  for (const p of pieces) {
    for (const [key, s] of p.streams) {
      const have = all.get(key);
      if (have) for (const v of s.values) have.values.push(v);
      else all.set(key, { stream: s.stream, values: [...s.values] });
    }
  }
  const keys = [...all.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const parts = keys.map((k) => {
    const s = all.get(k)!;
    let labels = '';
    for (const [name, value] of Object.entries(s.stream))
      labels += `${labels ? ',' : ''}${JSON.stringify(name)}:${JSON.stringify(value)}`;
    const values = s.values.map((v) =>
      v.length === 2
        ? `[${JSON.stringify(v[0])},${JSON.stringify(v[1])}]`
        : `[${JSON.stringify(v[0])},${JSON.stringify(v[1])},${JSON.stringify(v[2])}]`,
    );
    return `{"stream":{${labels}},"values":[${values.join(',')}]}`;
  });
  return `[${parts.join(',')}]`;
}
