// detected_fields and detected_field/{name}/values: fields found in the
// newest `line_limit` lines of a log query (structured metadata, and what
// JSON or logfmt parsing of each line yields), for Grafana's query builder
// and Logs Drilldown.
import type { LogSelectorExpr } from '../../logql/syntax/index.js';
import type { SourceDeps } from '../sources.js';
import { type DetectedField, FieldDetector, FieldValueCollector } from './field-detector.js';
import { LineFieldParser } from './line-fields.js';
import { sampleNewestEntries } from './log-sample.js';

export interface DetectedFieldsRequest {
  tenant: string;
  selector: LogSelectorExpr;
  startNs: bigint;
  /** Exclusive, as for query_range. */
  endNs: bigint;
  /** How many of the newest lines to examine. */
  lineLimit: number;
  /** Most fields (or values) to report. */
  limit: number;
}

export async function detectFields(
  sources: SourceDeps,
  req: DetectedFieldsRequest,
  signal?: AbortSignal,
): Promise<DetectedField[]> {
  const detector = new FieldDetector(req.limit, new LineFieldParser());
  for (const group of await sample(sources, req, signal)) for (const entry of group) detector.add(entry);
  return detector.result();
}

export async function detectFieldValues(
  sources: SourceDeps,
  req: DetectedFieldsRequest,
  name: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const collector = new FieldValueCollector(name, req.limit, new LineFieldParser());
  for (const group of await sample(sources, req, signal)) {
    for (const entry of group) {
      if (collector.full) break;
      collector.add(entry);
    }
  }
  return collector.result();
}

function sample(sources: SourceDeps, req: DetectedFieldsRequest, signal?: AbortSignal) {
  return sampleNewestEntries(
    {
      tenant: req.tenant,
      selector: req.selector,
      startNs: req.startNs,
      endNs: req.endNs,
      limit: req.lineLimit,
    },
    sources,
    signal,
  );
}
