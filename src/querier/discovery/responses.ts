// Response bodies of the discovery endpoints, in Loki's shapes: index/stats
// and the detected_* answers are bare objects (empty ones are `{}`, as Go's
// `omitempty` leaves them), volumes use the query envelope with statistics.
import { formatSampleValue } from '../../logql/engine/result.js';
import type { QueryStats } from '../../logql/engine/stats.js';
import { goJSON } from '../../util/go-json.js';
import type { Labels } from '../../util/labels.js';
import type { DetectedLabel } from './detected-labels.js';
import type { DetectedField } from './field-detector.js';
import type { IndexStats } from './index-stats.js';
import type { VolumeResult } from './volume.js';

export function indexStatsJSON(s: IndexStats): string {
  return `${JSON.stringify({ streams: s.streams, chunks: s.chunks, bytes: s.bytes, entries: s.entries })}\n`;
}

export function detectedLabelsJSON(labels: readonly DetectedLabel[]): string {
  if (labels.length === 0) return '{}\n';
  return `${JSON.stringify({ detectedLabels: labels.map((l) => ({ label: l.label, cardinality: l.cardinality })) })}\n`;
}

/** `limit` is only reported with a non-empty answer (Loki: "otherwise all they get is the field limit"). */
export function detectedFieldsJSON(fields: readonly DetectedField[], limit: number): string {
  if (fields.length === 0) return '{}\n';
  const encoded = fields.map((f) => ({
    label: f.label,
    type: f.type,
    cardinality: f.cardinality,
    parsers: f.parsers,
    ...(f.jsonPath ? { jsonPath: f.jsonPath } : {}),
  }));
  return `${JSON.stringify({ fields: encoded, limit })}\n`;
}

export function detectedFieldValuesJSON(values: readonly string[], limit: number): string {
  if (values.length === 0) return '{}\n';
  return `${JSON.stringify({ values, limit })}\n`;
}

function metricJSON(labels: Labels): string {
  const obj: Record<string, string> = {};
  for (const l of labels) obj[l.name] = l.value;
  return goJSON(obj);
}

/** A sample as Prometheus JSON: `[<unix seconds>, "<value>"]`. */
function sampleJSON([ms, value]: readonly [number, number]): string {
  return `[${formatSampleValue(ms / 1000)},"${formatSampleValue(value)}"]`;
}

/** The volume answer in Loki's query envelope: `vector` with one sample per group, else `matrix`. */
export function volumeResponseJSON(result: VolumeResult, stats: QueryStats): string {
  const parts = result.series.map((s) =>
    result.resultType === 'vector'
      ? `{"metric":${metricJSON(s.metric)},"value":${sampleJSON(s.samples[0]!)}}`
      : `{"metric":${metricJSON(s.metric)},"values":[${s.samples.map(sampleJSON).join(',')}]}`,
  );
  return `{"status":"success","data":{"resultType":"${result.resultType}","result":[${parts.join(',')}],"stats":${JSON.stringify(stats)}}}`;
}
