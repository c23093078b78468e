// detected_labels: the stream labels worth offering as filters in Logs
// Drilldown and Grafana's label browser, each with its number of distinct
// values. Loki leaves out labels whose values all look like identifiers
// (numbers or UUIDs: nobody filters by them), except that two-valued 0/1
// flags stay, and always keeps the well-known topology labels.
import { parseGoFloat } from '../../logql/log/index.js';
import type { CompiledMatcher } from '../../util/matchers.js';
import { gatherStreams, type SourceDeps } from '../sources.js';

export interface DetectedLabel {
  label: string;
  cardinality: number;
}

export interface DetectedLabelsRequest {
  tenant: string;
  matchers: readonly CompiledMatcher[];
  startNs: bigint;
  endNs: bigint;
}

/** Labels Loki always lists, whatever their values look like. */
const STATIC_LABELS: ReadonlySet<string> = new Set(['cluster', 'namespace', 'instance', 'pod']);

const hex = '[0-9a-fA-F]';
const UUID_FORMS = [
  new RegExp(`^${hex}{8}-${hex}{4}-${hex}{4}-${hex}{4}-${hex}{12}$`),
  new RegExp(`^\\{${hex}{8}-${hex}{4}-${hex}{4}-${hex}{4}-${hex}{12}\\}$`),
  new RegExp(`^urn:uuid:${hex}{8}-${hex}{4}-${hex}{4}-${hex}{4}-${hex}{12}$`, 'i'),
  new RegExp(`^${hex}{32}$`),
];

/** The forms github.com/google/uuid's `Parse` accepts (plain, braced, URN, and 32 bare hex digits). */
export function isUuid(value: string): boolean {
  return UUID_FORMS.some((re) => re.test(value));
}

/** A value that reads as an identifier: a number (Go ParseFloat) or a UUID. */
function isIdLike(value: string): boolean {
  return typeof parseGoFloat(value) === 'number' || isUuid(value);
}

const BOOLEAN_VALUES: ReadonlySet<string> = new Set(['0', '1']);

/** Loki's `shouldRejectLabel`: no values, or only identifier-like ones (0/1 flags excepted). */
export function shouldRejectLabel(values: readonly string[]): boolean {
  if (values.length === 0) return true;
  if (values.length > 2) return values.every(isIdLike);
  if (values.every((v) => BOOLEAN_VALUES.has(v))) return false;
  return values.every(isIdLike);
}

/** Whether a label with these distinct values is listed. */
export function isDetectedLabel(name: string, values: readonly string[]): boolean {
  return STATIC_LABELS.has(name) || !shouldRejectLabel(values);
}

/** The detected labels of the streams with data in the range, sorted by name. */
export async function detectedLabels(
  sources: SourceDeps,
  req: DetectedLabelsRequest,
  signal?: AbortSignal,
): Promise<DetectedLabel[]> {
  signal?.throwIfAborted();
  const streams = await gatherStreams(sources, req.tenant, req.matchers, req.startNs, req.endNs);
  const valuesByName = new Map<string, Set<string>>();
  for (const s of streams) {
    for (const l of s.labels) {
      if (l.value === '') continue;
      let values = valuesByName.get(l.name);
      if (!values) {
        values = new Set();
        valuesByName.set(l.name, values);
      }
      values.add(l.value);
    }
  }
  const out: DetectedLabel[] = [];
  for (const [label, values] of valuesByName) {
    if (isDetectedLabel(label, [...values])) out.push({ label, cardinality: values.size });
  }
  return out.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}
