// Decoding of OTLP/protobuf logs exports (ExportLogsServiceRequest) with
// protobufjs, from the official definitions in proto/otlp.
//
// Two things differ from protobufjs' defaults, to read what the collector's Go
// decoder (and so Loki) reads:
// - 64-bit integers are read exactly, as bigint. Timestamps in nanoseconds are
//   past 2^53, and Skald's other protobuf decoder configures protobufjs
//   process-wide to read them as lossy doubles, so this one brings its own reader.
// - strings are not checked for valid UTF-8 (Go keeps the bytes; here invalid
//   sequences become U+FFFD instead of failing the request).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { OtlpDecodeError } from './errors.js';
import {
  type AnyValue,
  EMPTY_SCOPE,
  EMPTY_VALUE,
  type InstrumentationScope,
  type KeyValue,
  type LogRecord,
  type LogsExport,
  NO_BYTES,
  type ResourceLogs,
  type ScopeLogs,
} from './model.js';

function otlpProtoDir(): string {
  // The same relative path from src/distributor/otlp and dist/distributor/otlp.
  const dir = fileURLToPath(new URL('../../../proto/otlp', import.meta.url));
  if (!existsSync(join(dir, 'opentelemetry'))) throw new Error(`cannot find the OTLP definitions in ${dir}`);
  return dir;
}

function loadRoot(): protobuf.Root {
  const dir = otlpProtoDir();
  const root = new protobuf.Root();
  // Imports are written from the repository root of opentelemetry-proto.
  root.resolvePath = (_origin, target) => join(dir, target);
  root.loadSync('opentelemetry/proto/collector/logs/v1/logs_service.proto', { keepCase: false });

  // Field 1000 of ResourceLogs is reserved now but carried the scope logs of
  // exporters from before OTLP 0.16 (instrumentation_library_logs). The Go
  // decoder still reads it when scope_logs is empty, so this one does too.
  const resourceLogs = root.lookupType('opentelemetry.proto.logs.v1.ResourceLogs');
  resourceLogs.reserved = (resourceLogs.reserved ?? []).filter(
    (r) => !(Array.isArray(r) && r[0] <= 1000 && r[1] >= 1000),
  );
  resourceLogs.add(new protobuf.Field('deprecatedScopeLogs', 1000, 'ScopeLogs', 'repeated'));
  root.resolveAll();
  return root;
}

const root = loadRoot();
export const ExportLogsServiceRequestType = root.lookupType(
  'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest',
);

interface ReaderState {
  buf: Buffer;
  pos: number;
  len: number;
}

function outOfRange(r: ReaderState, n: number): RangeError {
  return new RangeError(`index out of range: ${r.pos} + ${n} > ${r.len}`);
}

/** Reads a base-128 varint of up to 64 bits exactly. */
function readVarint64(r: ReaderState): bigint {
  // Up to seven bytes (49 bits) fit a double exactly: the common, cheap case.
  let low = 0;
  for (let i = 0; i < 7; i++) {
    if (r.pos >= r.len) throw outOfRange(r, 1);
    const b = r.buf[r.pos++]!;
    low += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return BigInt(low);
  }
  let value = BigInt(low);
  for (let shift = 49n; shift < 70n; shift += 7n) {
    if (r.pos >= r.len) throw outOfRange(r, 1);
    const b = r.buf[r.pos++]!;
    value |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return BigInt.asUintN(64, value);
  }
  throw new Error('proto: integer overflow');
}

const BufferReaderBase = protobuf.BufferReader as unknown as new (buffer: Buffer) => protobuf.Reader;

/** A protobufjs reader whose 64-bit integers are exact bigints and whose strings are lenient. */
class ExactReader extends BufferReaderBase {}
const lenientString = (protobuf.BufferReader.prototype as unknown as { string: () => string }).string;
Object.defineProperties(ExactReader.prototype, {
  fixed64: {
    value(this: ReaderState): bigint {
      if (this.pos + 8 > this.len) throw outOfRange(this, 8);
      const v = this.buf.readBigUInt64LE(this.pos);
      this.pos += 8;
      return v;
    },
  },
  sfixed64: {
    value(this: ReaderState): bigint {
      if (this.pos + 8 > this.len) throw outOfRange(this, 8);
      const v = this.buf.readBigInt64LE(this.pos);
      this.pos += 8;
      return v;
    },
  },
  uint64: {
    value(this: ReaderState): bigint {
      return readVarint64(this);
    },
  },
  int64: {
    value(this: ReaderState): bigint {
      return BigInt.asIntN(64, readVarint64(this));
    },
  },
  stringVerify: { value: lenientString },
});

// The shapes protobufjs decodes into (camelCase names; unset scalars read the proto3 default).
interface WireAnyValue {
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: unknown;
  doubleValue?: number;
  arrayValue?: { values: WireAnyValue[] } | null;
  kvlistValue?: { values: WireKeyValue[] } | null;
  bytesValue?: Uint8Array;
}
interface WireKeyValue {
  key: string;
  value: WireAnyValue | null;
}
interface WireScope {
  name: string;
  version: string;
  attributes: WireKeyValue[];
  droppedAttributesCount: number;
}
interface WireLogRecord {
  timeUnixNano: unknown;
  observedTimeUnixNano: unknown;
  severityNumber: number;
  severityText: string;
  body: WireAnyValue | null;
  attributes: WireKeyValue[];
  droppedAttributesCount: number;
  flags: number;
  traceId: Uint8Array;
  spanId: Uint8Array;
  eventName: string;
}
interface WireScopeLogs {
  scope: WireScope | null;
  logRecords: WireLogRecord[];
}
interface WireResourceLogs {
  resource: { attributes: WireKeyValue[] } | null;
  scopeLogs: WireScopeLogs[];
  deprecatedScopeLogs: WireScopeLogs[];
}
interface WireRequest {
  resourceLogs: WireResourceLogs[];
}

/** A 64-bit field: bigint when it was on the wire, the prototype's zero otherwise. */
function u64(v: unknown): bigint {
  return typeof v === 'bigint' ? v : 0n;
}

function anyValue(w: WireAnyValue | null | undefined): AnyValue {
  if (!w) return EMPTY_VALUE;
  switch (w.value) {
    case 'stringValue':
      return { kind: 'string', value: w.stringValue ?? '' };
    case 'boolValue':
      return { kind: 'bool', value: w.boolValue === true };
    case 'intValue':
      return { kind: 'int', value: BigInt.asIntN(64, u64(w.intValue)) };
    case 'doubleValue':
      return { kind: 'double', value: w.doubleValue ?? 0 };
    case 'bytesValue':
      return { kind: 'bytes', value: w.bytesValue ?? NO_BYTES };
    case 'arrayValue':
      return { kind: 'array', values: (w.arrayValue?.values ?? []).map(anyValue) };
    case 'kvlistValue':
      return { kind: 'kvlist', values: keyValues(w.kvlistValue?.values ?? []) };
    default:
      // Unset, or string_value_strindex (meaningful to profiles only): an empty value.
      return EMPTY_VALUE;
  }
}

function keyValues(list: readonly WireKeyValue[]): KeyValue[] {
  const out: KeyValue[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = { key: list[i]!.key, value: anyValue(list[i]!.value) };
  return out;
}

function checkedId(bytes: Uint8Array, size: number, what: string): Uint8Array {
  if (bytes.length === 0) return NO_BYTES;
  if (bytes.length !== size) throw new OtlpDecodeError(`unmarshal: invalid ${what} length`);
  return bytes;
}

function logRecord(w: WireLogRecord): LogRecord {
  return {
    timeUnixNano: u64(w.timeUnixNano),
    observedTimeUnixNano: u64(w.observedTimeUnixNano),
    severityNumber: w.severityNumber,
    severityText: w.severityText,
    body: anyValue(w.body),
    attributes: keyValues(w.attributes),
    droppedAttributesCount: w.droppedAttributesCount,
    flags: w.flags,
    traceId: checkedId(w.traceId, 16, 'TraceID'),
    spanId: checkedId(w.spanId, 8, 'SpanID'),
    eventName: w.eventName,
  };
}

function scope(w: WireScope | null): InstrumentationScope {
  if (!w) return EMPTY_SCOPE;
  return {
    name: w.name,
    version: w.version,
    attributes: keyValues(w.attributes),
    droppedAttributesCount: w.droppedAttributesCount,
  };
}

function scopeLogs(w: WireScopeLogs): ScopeLogs {
  return { scope: scope(w.scope), logRecords: w.logRecords.map(logRecord) };
}

function resourceLogs(w: WireResourceLogs): ResourceLogs {
  const scopes = w.scopeLogs.length > 0 ? w.scopeLogs : w.deprecatedScopeLogs;
  return { resourceAttributes: keyValues(w.resource?.attributes ?? []), scopeLogs: scopes.map(scopeLogs) };
}

/** Decodes an uncompressed OTLP/protobuf logs export; throws OtlpDecodeError on malformed input. */
export function decodeLogsExportProto(body: Buffer): LogsExport {
  let msg: WireRequest;
  try {
    msg = ExportLogsServiceRequestType.decode(new ExactReader(body)) as unknown as WireRequest;
  } catch (err) {
    throw new OtlpDecodeError(err instanceof Error ? err.message : String(err));
  }
  return { resourceLogs: msg.resourceLogs.map(resourceLogs) };
}
