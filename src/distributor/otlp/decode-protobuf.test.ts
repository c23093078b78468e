import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// The Loki push decoder configures protobufjs process-wide (64-bit fields as doubles); load it
// first, as the server does, to show this decoder is not affected.
import '../decode-protobuf.js';
import { decodeLogsExportProto } from './decode-protobuf.js';
import { OtlpDecodeError } from './errors.js';
import { EMPTY_VALUE, type LogsExport } from './model.js';
import {
  arr,
  attrs,
  bool,
  bytes,
  dbl,
  encodeLogsExport,
  int,
  kvlist,
  logRecord,
  logsExport,
  str,
  WireWriter,
} from './test-otlp-wire.js';

/** Byte arrays as plain arrays, so that Buffers and Uint8Arrays compare equal. */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return [...v];
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

const FULL: LogsExport = logsExport(
  {
    'service.name': 'checkout',
    'k8s.pod.name': 'checkout-1',
    replicas: int(3),
    nested: kvlist({ a: arr(bool(true)) }),
  },
  [
    logRecord({
      timeUnixNano: 1_700_000_000_123_456_789n,
      observedTimeUnixNano: 18_446_744_073_709_551_615n,
      severityNumber: 17,
      severityText: 'ERROR',
      body: kvlist({
        msg: str('failed'),
        code: int(-9_223_372_036_854_775_808n),
        ratio: dbl(0.25),
        raw: bytes([0, 255]),
      }),
      attributes: attrs({ big: int(9_007_199_254_740_993n), empty: EMPTY_VALUE, list: arr(str('a'), int(-1)) }),
      droppedAttributesCount: 3,
      flags: 0xffffffff,
      traceId: Uint8Array.from({ length: 16 }, (_, i) => i + 1),
      spanId: Uint8Array.from({ length: 8 }, (_, i) => 0xf0 + i),
      eventName: 'checkout.failed',
    }),
    logRecord({ body: str('second') }),
  ],
  {
    name: 'io.opentelemetry.example',
    version: '1.0.0',
    attributes: attrs({ 'lib.kind': 'http' }),
    droppedAttributesCount: 1,
  },
);

describe('decodeLogsExportProto', () => {
  it('decodes every field of an export', () => {
    assert.deepEqual(plain(decodeLogsExportProto(encodeLogsExport(FULL))), plain(FULL));
  });

  it('reads 64-bit integers exactly', () => {
    const decoded = decodeLogsExportProto(encodeLogsExport(FULL));
    const record = decoded.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    assert.equal(record.timeUnixNano, 1_700_000_000_123_456_789n);
    assert.equal(record.observedTimeUnixNano, 18_446_744_073_709_551_615n);
    assert.deepEqual(record.attributes[0], { key: 'big', value: int(9_007_199_254_740_993n) });
  });

  it('decodes an empty body as an export without logs', () => {
    assert.deepEqual(decodeLogsExportProto(Buffer.alloc(0)), { resourceLogs: [] });
  });

  it('reads the scope logs of exporters from before OTLP 0.16 (field 1000)', () => {
    const decoded = decodeLogsExportProto(encodeLogsExport(FULL, { legacyScopeField: true }));
    assert.deepEqual(plain(decoded), plain(FULL));
  });

  it('keeps the last member of an AnyValue that sets several', () => {
    const value = new WireWriter().string(1, 'text').tag(3, 0).varint(42);
    const kv = new WireWriter().string(1, 'k').message(2, value);
    const record = new WireWriter().message(6, kv);
    const scopeLogs = new WireWriter().message(2, record);
    const body = new WireWriter().message(1, new WireWriter().message(2, scopeLogs)).finish();
    const decoded = decodeLogsExportProto(body);
    assert.deepEqual(decoded.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.attributes, [{ key: 'k', value: int(42) }]);
  });

  it('reads string_value_strindex (a profiles-only reference) as an empty value', () => {
    const value = new WireWriter().tag(8, 0).varint(5);
    const record = new WireWriter().message(5, value);
    const body = new WireWriter().message(1, new WireWriter().message(2, new WireWriter().message(2, record))).finish();
    assert.equal(decodeLogsExportProto(body).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.body, EMPTY_VALUE);
  });

  it('skips fields it does not know', () => {
    const record = new WireWriter().string(99, 'future').tag(98, 0).varint(1).string(3, 'WARN');
    const resource = new WireWriter().message(3, new WireWriter().string(2, 'service'));
    const body = new WireWriter()
      .message(1, new WireWriter().message(1, resource).message(2, new WireWriter().message(2, record)))
      .finish();
    const decoded = decodeLogsExportProto(body);
    assert.equal(decoded.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.severityText, 'WARN');
  });

  it('turns invalid UTF-8 into U+FFFD instead of refusing the request', () => {
    const record = new WireWriter().message(5, new WireWriter().bytes(1, Buffer.from([0x61, 0xff, 0x62])));
    const body = new WireWriter().message(1, new WireWriter().message(2, new WireWriter().message(2, record))).finish();
    assert.deepEqual(decodeLogsExportProto(body).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.body, str('a\ufffdb'));
  });

  it('refuses trace and span ids of the wrong length', () => {
    const withTrace = logsExport({}, [logRecord({ traceId: new Uint8Array(15) })]);
    assert.throws(
      () => decodeLogsExportProto(encodeLogsExport(withTrace)),
      new OtlpDecodeError('unmarshal: invalid TraceID length'),
    );
    const withSpan = logsExport({}, [logRecord({ spanId: new Uint8Array(16) })]);
    assert.throws(
      () => decodeLogsExportProto(encodeLogsExport(withSpan)),
      new OtlpDecodeError('unmarshal: invalid SpanID length'),
    );
  });

  it('refuses a truncated message', () => {
    const full = encodeLogsExport(FULL);
    assert.throws(() => decodeLogsExportProto(full.subarray(0, full.length - 5)), OtlpDecodeError);
  });

  it('refuses bytes that are not protobuf', () => {
    assert.throws(() => decodeLogsExportProto(Buffer.from('{"resourceLogs":[]}')), OtlpDecodeError);
  });
});
