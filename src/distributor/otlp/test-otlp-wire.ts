// Test support: builders for decoded OTLP exports, and an OTLP/protobuf
// encoder written from the wire format itself (not protobufjs), so that the
// decoder is checked against an independent encoding.
import type { AnyValue, InstrumentationScope, KeyValue, LogRecord, LogsExport, ResourceLogs } from './model.js';
import { EMPTY_SCOPE, EMPTY_VALUE, NO_BYTES } from './model.js';

export const str = (value: string): AnyValue => ({ kind: 'string', value });
export const int = (value: bigint | number): AnyValue => ({ kind: 'int', value: BigInt(value) });
export const dbl = (value: number): AnyValue => ({ kind: 'double', value });
export const bool = (value: boolean): AnyValue => ({ kind: 'bool', value });
export const bytes = (value: Uint8Array | number[]): AnyValue => ({ kind: 'bytes', value: Uint8Array.from(value) });
export const arr = (...values: AnyValue[]): AnyValue => ({ kind: 'array', values });
export const kvlist = (values: Record<string, AnyValue> | KeyValue[]): AnyValue => ({
  kind: 'kvlist',
  values: Array.isArray(values) ? values : attrs(values),
});

export function attrs(record: Record<string, AnyValue | string>): KeyValue[] {
  return Object.entries(record).map(([key, v]) => ({ key, value: typeof v === 'string' ? str(v) : v }));
}

export function logRecord(fields: Omit<Partial<LogRecord>, 'body'> & { body?: AnyValue | string } = {}): LogRecord {
  const { body, ...rest } = fields;
  return {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: 0,
    severityText: '',
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: NO_BYTES,
    spanId: NO_BYTES,
    eventName: '',
    ...rest,
    body: body === undefined ? EMPTY_VALUE : typeof body === 'string' ? str(body) : body,
  };
}

export function scope(fields: Partial<InstrumentationScope> = {}): InstrumentationScope {
  return { ...EMPTY_SCOPE, ...fields };
}

/** One resource with one scope holding `records`. */
export function logsExport(
  resource: Record<string, AnyValue | string>,
  records: LogRecord[],
  scopeFields: Partial<InstrumentationScope> = {},
): LogsExport {
  return {
    resourceLogs: [
      { resourceAttributes: attrs(resource), scopeLogs: [{ scope: scope(scopeFields), logRecords: records }] },
    ],
  };
}

// --- protobuf encoding -------------------------------------------------------

export class WireWriter {
  private readonly parts: Buffer[] = [];

  varint(v: bigint | number): this {
    let x = BigInt.asUintN(64, BigInt(v));
    const out: number[] = [];
    while (x >= 0x80n) {
      out.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    out.push(Number(x));
    this.parts.push(Buffer.from(out));
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint((field << 3) | wireType);
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2).varint(data.length);
    this.parts.push(Buffer.from(data));
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, Buffer.from(s, 'utf8'));
  }

  message(field: number, w: WireWriter): this {
    return this.bytes(field, w.finish());
  }

  fixed64(field: number, v: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt.asUintN(64, v));
    this.tag(field, 1);
    this.parts.push(b);
    return this;
  }

  fixed32(field: number, v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    this.tag(field, 5);
    this.parts.push(b);
    return this;
  }

  double(field: number, v: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    this.tag(field, 1);
    this.parts.push(b);
    return this;
  }

  raw(data: Uint8Array): this {
    this.parts.push(Buffer.from(data));
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function anyValueWire(v: AnyValue): WireWriter {
  const w = new WireWriter();
  switch (v.kind) {
    case 'empty':
      break;
    case 'string':
      w.string(1, v.value);
      break;
    case 'bool':
      w.tag(2, 0).varint(v.value ? 1 : 0);
      break;
    case 'int':
      w.tag(3, 0).varint(v.value);
      break;
    case 'double':
      w.double(4, v.value);
      break;
    case 'array': {
      const a = new WireWriter();
      for (const x of v.values) a.message(1, anyValueWire(x));
      w.message(5, a);
      break;
    }
    case 'kvlist': {
      const l = new WireWriter();
      for (const kv of v.values) l.message(1, keyValueWire(kv));
      w.message(6, l);
      break;
    }
    case 'bytes':
      w.bytes(7, v.value);
      break;
  }
  return w;
}

function keyValueWire(kv: KeyValue): WireWriter {
  return new WireWriter().string(1, kv.key).message(2, anyValueWire(kv.value));
}

function logRecordWire(r: LogRecord): WireWriter {
  const w = new WireWriter();
  if (r.timeUnixNano !== 0n) w.fixed64(1, r.timeUnixNano);
  if (r.severityNumber !== 0) w.tag(2, 0).varint(r.severityNumber);
  if (r.severityText !== '') w.string(3, r.severityText);
  if (r.body.kind !== 'empty') w.message(5, anyValueWire(r.body));
  for (const kv of r.attributes) w.message(6, keyValueWire(kv));
  if (r.droppedAttributesCount !== 0) w.tag(7, 0).varint(r.droppedAttributesCount);
  if (r.flags !== 0) w.fixed32(8, r.flags);
  if (r.traceId.length > 0) w.bytes(9, r.traceId);
  if (r.spanId.length > 0) w.bytes(10, r.spanId);
  if (r.observedTimeUnixNano !== 0n) w.fixed64(11, r.observedTimeUnixNano);
  if (r.eventName !== '') w.string(12, r.eventName);
  return w;
}

function scopeWire(s: InstrumentationScope): WireWriter {
  const w = new WireWriter();
  if (s.name !== '') w.string(1, s.name);
  if (s.version !== '') w.string(2, s.version);
  for (const kv of s.attributes) w.message(3, keyValueWire(kv));
  if (s.droppedAttributesCount !== 0) w.tag(4, 0).varint(s.droppedAttributesCount);
  return w;
}

/** Field numbers of ResourceLogs: 2 is scope_logs; 1000 the pre-0.16 instrumentation_library_logs. */
function resourceLogsWire(rl: ResourceLogs, scopeLogsField: number): WireWriter {
  const resource = new WireWriter();
  for (const kv of rl.resourceAttributes) resource.message(1, keyValueWire(kv));
  const w = new WireWriter().message(1, resource);
  for (const sl of rl.scopeLogs) {
    const s = new WireWriter().message(1, scopeWire(sl.scope));
    for (const r of sl.logRecords) s.message(2, logRecordWire(r));
    w.message(scopeLogsField, s);
  }
  return w;
}

/** Encodes an export as OTLP/protobuf (ExportLogsServiceRequest). */
export function encodeLogsExport(req: LogsExport, opts: { legacyScopeField?: boolean } = {}): Buffer {
  const w = new WireWriter();
  for (const rl of req.resourceLogs) w.message(1, resourceLogsWire(rl, opts.legacyScopeField ? 1000 : 2));
  return w.finish();
}

/** Low-level access for malformed-input tests. */
export function wireWriter(): WireWriter {
  return new WireWriter();
}
