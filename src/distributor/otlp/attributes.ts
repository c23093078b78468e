// OTLP attributes to labels, as Loki maps them: the key is normalised to a
// Prometheus label name, a map value is flattened into one label per leaf
// (`{"a.b": {"c": 1}}` gives `a_b_c="1"`), and any other value is rendered as
// text. The three sources (resource, scope, log record) then decide per
// attribute whether it is an index label, structured metadata or dropped.
import type { Label } from '../../util/labels.js';
import { anyValueAsString } from './any-value.js';
import type { AttributePolicy } from './config.js';
import { LabelNameError, labelNameFor } from './label-namer.js';
import type { AnyValue, InstrumentationScope, KeyValue, LogRecord } from './model.js';

export const SERVICE_NAME_ATTRIBUTE = 'service.name';
export const SERVICE_NAME_LABEL = 'service_name';
export const UNKNOWN_SERVICE = 'unknown_service';

/** An attribute that cannot become a label; Loki answers 400 with this message. */
export class AttributeError extends Error {
  override name = 'AttributeError';
}

/**
 * The labels one attribute turns into. Only a top-level key can be unusable:
 * inside a map every key is prefixed by its (valid) parent name.
 */
export function attributeToLabels(key: string, value: AnyValue, prefix = ''): Label[] {
  let name: string;
  try {
    name = labelNameFor(prefix === '' ? key : `${prefix}_${key}`);
  } catch (err) {
    if (err instanceof LabelNameError) throw new AttributeError(`symbolizer lookup: ${err.message}`);
    throw err;
  }
  if (value.kind !== 'kvlist') return [{ name, value: anyValueAsString(value) }];
  const out: Label[] = [];
  for (const kv of value.values) appendAll(out, attributeToLabels(kv.key, kv.value, name));
  return out;
}

/** push(...items) without the argument-count limit a huge map would hit. */
function appendAll(target: Label[], items: readonly Label[]): void {
  for (const item of items) target.push(item);
}

export interface ResourceLabels {
  /** Index labels by name (a later attribute with the same label name wins). */
  readonly streamLabels: Map<string, string>;
  readonly structuredMetadata: Label[];
}

function firstValue(attrs: readonly KeyValue[], key: string): AnyValue | undefined {
  for (const kv of attrs) if (kv.key === key) return kv.value;
  return undefined;
}

/**
 * Resource attributes to stream labels and structured metadata. With service
 * name discovery on (a non-empty `discover_service_name`), a resource without a
 * non-empty `service.name` attribute gets `service_name` from the first listed
 * index label that has a value, else `unknown_service`.
 */
export function resourceAttributesToLabels(
  attrs: readonly KeyValue[],
  policy: AttributePolicy,
  discoverServiceName: readonly string[],
): ResourceLabels {
  const streamLabels = new Map<string, string>();
  const structuredMetadata: Label[] = [];
  const serviceName = firstValue(attrs, SERVICE_NAME_ATTRIBUTE);
  let hasServiceName = serviceName !== undefined && anyValueAsString(serviceName) !== '';

  for (const kv of attrs) {
    const action = policy.resourceAction(kv.key);
    if (action === 'drop') continue;
    const labels = attributeToLabels(kv.key, kv.value);
    if (action === 'index_label') for (const l of labels) streamLabels.set(l.name, l.value);
    else appendAll(structuredMetadata, labels);
  }

  if (!hasServiceName && discoverServiceName.length > 0) {
    for (const candidate of discoverServiceName) {
      const v = streamLabels.get(candidate);
      if (v) {
        streamLabels.set(SERVICE_NAME_LABEL, v);
        hasServiceName = true;
        break;
      }
    }
    if (!hasServiceName) streamLabels.set(SERVICE_NAME_LABEL, UNKNOWN_SERVICE);
  }
  return { streamLabels, structuredMetadata };
}

/**
 * Scope attributes (never index labels), then the scope's name, version and
 * dropped attribute count, as structured metadata.
 */
export function scopeToStructuredMetadata(scope: InstrumentationScope, policy: AttributePolicy): Label[] {
  const out: Label[] = [];
  for (const kv of scope.attributes) {
    const action = policy.scopeAction(kv.key);
    if (action === 'drop') continue;
    const labels = attributeToLabels(kv.key, kv.value);
    if (action === 'structured_metadata') appendAll(out, labels);
  }
  if (scope.name !== '') out.push({ name: 'scope_name', value: scope.name });
  if (scope.version !== '') out.push({ name: 'scope_version', value: scope.version });
  if (scope.droppedAttributesCount !== 0) {
    out.push({ name: 'scope_dropped_attributes_count', value: String(scope.droppedAttributesCount) });
  }
  return out;
}

export interface LogRecordLabels {
  /** Log attributes configured as index labels (and severity_text when so configured). */
  readonly indexLabels: Map<string, string>;
  readonly structuredMetadata: Label[];
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hexOf(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b];
  return out;
}

function isAllZero(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0) return false;
  return true;
}

/**
 * A log record's attributes and fields: attributes first, then
 * observed_timestamp (only when the record also has its own timestamp),
 * severity_number, severity_text, dropped_attributes_count, flags, trace_id,
 * span_id and event_name, each only when set. The event_name field wins over
 * an attribute of the same name.
 */
export function logRecordToLabels(record: LogRecord, policy: AttributePolicy): LogRecordLabels {
  const indexLabels = new Map<string, string>();
  const structuredMetadata: Label[] = [];
  for (const kv of record.attributes) {
    const action = policy.logAction(kv.key);
    if (action === 'drop') continue;
    if (kv.key === 'event_name' && record.eventName !== '') continue;
    const labels = attributeToLabels(kv.key, kv.value);
    if (action === 'structured_metadata') appendAll(structuredMetadata, labels);
    else for (const l of labels) indexLabels.set(l.name, l.value);
  }
  if (record.timeUnixNano !== 0n && record.observedTimeUnixNano !== 0n) {
    structuredMetadata.push({
      name: 'observed_timestamp',
      value: BigInt.asIntN(64, record.observedTimeUnixNano).toString(),
    });
  }
  if (record.severityNumber !== 0) {
    structuredMetadata.push({ name: 'severity_number', value: String(record.severityNumber) });
  }
  if (record.severityText !== '') {
    if (policy.severityTextAsLabel) indexLabels.set('severity_text', record.severityText);
    structuredMetadata.push({ name: 'severity_text', value: record.severityText });
  }
  if (record.droppedAttributesCount !== 0) {
    structuredMetadata.push({ name: 'dropped_attributes_count', value: String(record.droppedAttributesCount) });
  }
  if (record.flags !== 0) structuredMetadata.push({ name: 'flags', value: String(record.flags) });
  if (record.traceId.length > 0 && !isAllZero(record.traceId)) {
    structuredMetadata.push({ name: 'trace_id', value: hexOf(record.traceId) });
  }
  if (record.spanId.length > 0 && !isAllZero(record.spanId)) {
    structuredMetadata.push({ name: 'span_id', value: hexOf(record.spanId) });
  }
  if (record.eventName !== '') structuredMetadata.push({ name: 'event_name', value: record.eventName });
  return { indexLabels, structuredMetadata };
}
