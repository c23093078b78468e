// The decoded form of an OTLP logs export (ExportLogsServiceRequest), whatever
// its wire format (protobuf or OTLP/JSON). Both decoders produce exactly this
// shape, with proto3 defaults filled in, so the conversion to Loki streams has
// one input and never looks at the wire.
//
// 64-bit integers are bigint: timestamps in nanoseconds exceed 2^53, and an
// integer attribute must print the digits the client sent.

export type AnyValue =
  /** No value set (also a value only meaningful to the profiling signal). */
  | { readonly kind: 'empty' }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  /** A signed 64-bit integer. */
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'double'; readonly value: number }
  | { readonly kind: 'bytes'; readonly value: Uint8Array }
  | { readonly kind: 'array'; readonly values: readonly AnyValue[] }
  /** A map, as the ordered list of its pairs (keys may repeat on the wire). */
  | { readonly kind: 'kvlist'; readonly values: readonly KeyValue[] };

export interface KeyValue {
  readonly key: string;
  readonly value: AnyValue;
}

export interface LogRecord {
  /** Unsigned 64-bit nanoseconds since the epoch; 0 when unset. */
  readonly timeUnixNano: bigint;
  /** Unsigned 64-bit nanoseconds since the epoch; 0 when unset. */
  readonly observedTimeUnixNano: bigint;
  /** The SeverityNumber enum value (any int32 a client sends). */
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body: AnyValue;
  readonly attributes: readonly KeyValue[];
  readonly droppedAttributesCount: number;
  readonly flags: number;
  /** 16 bytes, or empty when unset. */
  readonly traceId: Uint8Array;
  /** 8 bytes, or empty when unset. */
  readonly spanId: Uint8Array;
  readonly eventName: string;
}

export interface InstrumentationScope {
  readonly name: string;
  readonly version: string;
  readonly attributes: readonly KeyValue[];
  readonly droppedAttributesCount: number;
}

export interface ScopeLogs {
  readonly scope: InstrumentationScope;
  readonly logRecords: readonly LogRecord[];
}

export interface ResourceLogs {
  readonly resourceAttributes: readonly KeyValue[];
  readonly scopeLogs: readonly ScopeLogs[];
}

export interface LogsExport {
  readonly resourceLogs: readonly ResourceLogs[];
}

export const EMPTY_VALUE: AnyValue = Object.freeze({ kind: 'empty' });
export const NO_BYTES: Uint8Array = new Uint8Array(0);

export const EMPTY_SCOPE: InstrumentationScope = Object.freeze({
  name: '',
  version: '',
  attributes: [],
  droppedAttributesCount: 0,
});

/** Number of log records in an export. */
export function logRecordCount(req: LogsExport): number {
  let n = 0;
  for (const rl of req.resourceLogs) for (const sl of rl.scopeLogs) n += sl.logRecords.length;
  return n;
}
