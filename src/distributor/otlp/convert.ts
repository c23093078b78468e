// An OTLP logs export to a Loki push request, as Loki converts it: one stream
// per distinct set of index labels (resource attributes configured as index
// labels, plus log attributes so configured), the body as the line, and
// everything else as structured metadata in the order log record, resource,
// scope.
import { type Label, labelsToString, sortLabels } from '../../util/labels.js';
import type { PushEntry, PushRequest, PushStream } from '../push-request.js';
import { anyValueAsString } from './any-value.js';
import {
  AttributeError,
  logRecordToLabels,
  resourceAttributesToLabels,
  scopeToStructuredMetadata,
} from './attributes.js';
import type { AttributePolicy } from './config.js';
import { OtlpRequestError } from './errors.js';
import { humanizeBytes } from './humanize.js';
import { type LogRecord, type LogsExport, logRecordCount } from './model.js';

/** Prometheus' parser fails on label sets larger than this, so Loki refuses them first. */
export const MAX_STREAM_LABELS_SIZE = 1 << 24;

const BACKFILL_LABEL = '__backfill__';
const BACKFILL_SHARD_LABEL = '__backfill_shard__';

export interface ConversionOptions {
  policy: AttributePolicy;
  /** `limits_config.discover_service_name` of the tenant; empty turns discovery off. */
  discoverServiceName: readonly string[];
  /** Nanoseconds since the epoch, for records without any timestamp. */
  nowNs?: () => bigint;
}

// Records without timestamps are stamped "now" one by one; a nanosecond clock
// keeps them distinct (and so not collapsed as duplicates), as in Loki.
const clockOrigin = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
const nanosecondClock = (): bigint => clockOrigin + process.hrtime.bigint();

/**
 * The text of a label set as Loki keys streams by it, `{a="b", c="d"}`. A set
 * without labels is the empty string, which Loki (and so Skald) then refuses
 * as unparsable labels: OTLP logs need at least one index label.
 */
function labelSetText(labels: ReadonlyMap<string, string>): string {
  if (labels.size === 0) return '';
  const list: Label[] = [];
  for (const [name, value] of labels) list.push({ name, value });
  const text = labelsToString(sortLabels(list));
  // UTF-8 is at most three bytes per UTF-16 unit: only long texts need measuring.
  if (text.length * 3 > MAX_STREAM_LABELS_SIZE) {
    const size = Buffer.byteLength(text);
    if (size > MAX_STREAM_LABELS_SIZE) {
      throw new OtlpRequestError(
        413,
        `request body too large: stream labels size ${humanizeBytes(size)} exceeds limit of ${humanizeBytes(MAX_STREAM_LABELS_SIZE)}`,
      );
    }
  }
  return text;
}

function rejectReservedLabels(labels: ReadonlyMap<string, string>): void {
  if (labels.has(BACKFILL_LABEL) || labels.has(BACKFILL_SHARD_LABEL)) {
    throw new OtlpRequestError(
      400,
      `streams must not contain the reserved labels ${BACKFILL_LABEL} or ${BACKFILL_SHARD_LABEL}; set the X-Loki-Backfill-Shard header to mark a push as backfill data`,
    );
  }
}

/** The entry's time: its own timestamp, else when it was observed, else now (as a signed 64-bit value, like Go). */
function entryTimeNs(record: LogRecord, now: () => bigint): bigint {
  if (record.timeUnixNano !== 0n) return BigInt.asIntN(64, record.timeUnixNano);
  if (record.observedTimeUnixNano !== 0n) return BigInt.asIntN(64, record.observedTimeUnixNano);
  return now();
}

function toEntry(ns: bigint, line: string, structuredMetadata: Label[]): PushEntry {
  let sec = ns / 1_000_000_000n;
  let nanos = ns - sec * 1_000_000_000n;
  if (nanos < 0n) {
    sec -= 1n;
    nanos += 1_000_000_000n;
  }
  return { sec: Number(sec), nanos: Number(nanos), line: Buffer.from(line, 'utf8'), structuredMetadata };
}

/**
 * Converts a decoded export. Throws OtlpRequestError for what Loki refuses
 * while converting (unusable attribute names, reserved labels, oversized
 * labels); validation of the result is the distributor's.
 */
export function otlpToPushRequest(req: LogsExport, opts: ConversionOptions): PushRequest {
  if (logRecordCount(req) === 0) return { streams: [] };
  const now = opts.nowNs ?? nanosecondClock;
  const streams = new Map<string, PushStream>();
  const streamFor = (text: string): PushStream => {
    let s = streams.get(text);
    if (!s) {
      s = { labels: text, entries: [] };
      streams.set(text, s);
    }
    return s;
  };

  try {
    for (const rl of req.resourceLogs) {
      const resource = resourceAttributesToLabels(rl.resourceAttributes, opts.policy, opts.discoverServiceName);
      rejectReservedLabels(resource.streamLabels);
      const resourceText = labelSetText(resource.streamLabels);
      // Loki lists the resource's stream even when every record lands elsewhere.
      if (resource.streamLabels.size > 0) streamFor(resourceText);

      for (const sl of rl.scopeLogs) {
        const scopeMetadata = scopeToStructuredMetadata(sl.scope, opts.policy);
        for (const record of sl.logRecords) {
          const own = logRecordToLabels(record, opts.policy);
          let text = resourceText;
          if (own.indexLabels.size > 0) {
            rejectReservedLabels(own.indexLabels);
            const combined = new Map(resource.streamLabels);
            for (const [name, value] of own.indexLabels) combined.set(name, value);
            text = labelSetText(combined);
          }
          const metadata = own.structuredMetadata.concat(resource.structuredMetadata, scopeMetadata);
          streamFor(text).entries.push(toEntry(entryTimeNs(record, now), anyValueAsString(record.body), metadata));
        }
      }
    }
  } catch (err) {
    if (err instanceof AttributeError) throw new OtlpRequestError(400, err.message);
    throw err;
  }
  return { streams: [...streams.values()].filter((s) => s.entries.length > 0 || s.labels.length > 0) };
}
