// Log query output under Loki's `categorize-labels` encoding: a stream is
// identified by its stream labels alone, and each entry carries its own
// structured metadata and parsed labels as a third element of its value
// (`["<ns>","<line>",{"structuredMetadata":{...},"parsed":{...}}]`).
import { type Labels, labelsToString } from '../../util/labels.js';

/** A line's labels split by category; a pipeline's LabelsResult is one. */
export interface CategorizedLabels {
  readonly stream: Labels;
  readonly structuredMetadata: Labels;
  /** Parsed labels, `__error__` and `__error_details__` included (Loki files them there). */
  readonly parsed: Labels;
}

/** The labels of one output stream of a log query, and with categorize-labels their split. */
export interface StreamOutput {
  /** All labels, sorted: the stream of the answer without categorize-labels. */
  labels: Labels;
  categories?: CategorizedLabels;
}

const keys = new WeakMap<CategorizedLabels, string>();

/**
 * The key an entry's output stream is collected under when categorizing: the
 * full label text, then the stream part and the metadata part. The same label
 * set can be split differently (a stream label in one stream, metadata in
 * another), and those must stay apart until the answer is grouped by stream
 * labels. Starting with the full text keeps the order of entries that share a
 * timestamp what it is without the flag. Cached per (interned) label set.
 */
export function categorizedKey(fullKey: string, c: CategorizedLabels): string {
  let key = keys.get(c);
  if (key === undefined) {
    key = `${fullKey}\u0000${labelsToString(c.stream)}\u0000${labelsToString(c.structuredMetadata)}`;
    keys.set(c, key);
  }
  return key;
}

/** A plain copy: a LabelsResult's categories are getters, which do not cross to and from worker threads. */
export function plainCategories(c: CategorizedLabels): CategorizedLabels {
  return { stream: c.stream, structuredMetadata: c.structuredMetadata, parsed: c.parsed };
}

function labelsObjectJSON(labels: Labels): string {
  let out = '';
  for (const l of labels) out += `${out ? ',' : ''}${JSON.stringify(l.name)}:${JSON.stringify(l.value)}`;
  return `{${out}}`;
}

/**
 * The third element of an entry: `structuredMetadata` and `parsed`, each left
 * out when empty (so `{}` when both are), as Loki's marshaller writes it.
 */
export function categoriesJSON(c: Pick<CategorizedLabels, 'structuredMetadata' | 'parsed'>): string {
  const parts: string[] = [];
  if (c.structuredMetadata.length > 0) parts.push(`"structuredMetadata":${labelsObjectJSON(c.structuredMetadata)}`);
  if (c.parsed.length > 0) parts.push(`"parsed":${labelsObjectJSON(c.parsed)}`);
  return `{${parts.join(',')}}`;
}
