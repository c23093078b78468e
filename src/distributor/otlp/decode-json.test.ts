import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeLogsExportJSON } from './decode-json.js';
import { OtlpDecodeError } from './errors.js';
import { EMPTY_VALUE, type LogRecord, type LogsExport } from './model.js';
import { arr, attrs, bool, bytes, dbl, int, kvlist, logRecord, logsExport, str } from './test-otlp-wire.js';

const decode = (json: string | object) =>
  decodeLogsExportJSON(Buffer.from(typeof json === 'string' ? json : JSON.stringify(json)));

/** Byte arrays as plain arrays, so that Buffers and Uint8Arrays compare equal. */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return [...v];
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** The export with one resource, one scope and `records` given as OTLP/JSON objects. */
function withRecords(...records: object[]): string {
  return JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: records }] }] });
}

function firstRecord(req: LogsExport): LogRecord {
  return req.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
}

function decodeError(json: string): string {
  try {
    decode(json);
  } catch (err) {
    assert.ok(err instanceof OtlpDecodeError);
    assert.equal(err.status, 400);
    return err.message;
  }
  assert.fail('expected the body to be refused');
}

describe('decodeLogsExportJSON', () => {
  it('decodes an export as the OpenTelemetry JSON encoding writes it', () => {
    const json = {
      resourceLogs: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: 'checkout' } },
              { key: 'replicas', value: { intValue: '3' } },
            ],
            droppedAttributesCount: 0,
          },
          scopeLogs: [
            {
              scope: {
                name: 'lib',
                version: '1.0.0',
                attributes: [{ key: 'k', value: { boolValue: true } }],
                droppedAttributesCount: 2,
              },
              logRecords: [
                {
                  timeUnixNano: '1700000000123456789',
                  observedTimeUnixNano: '1700000000123456790',
                  severityNumber: 'SEVERITY_NUMBER_ERROR2',
                  severityText: 'ERROR',
                  body: {
                    kvlistValue: {
                      values: [
                        { key: 'msg', value: { stringValue: 'failed' } },
                        { key: 'ratio', value: { doubleValue: 0.25 } },
                        { key: 'raw', value: { bytesValue: 'AP8=' } },
                        { key: 'list', value: { arrayValue: { values: [{ intValue: -1 }, {}] } } },
                      ],
                    },
                  },
                  attributes: [{ key: 'http.status', value: { intValue: 200 } }],
                  droppedAttributesCount: 1,
                  flags: 1,
                  traceId: '0102030405060708090A0B0C0D0E0F10',
                  spanId: 'f0f1f2f3f4f5f6f7',
                  eventName: 'checkout.failed',
                },
              ],
              schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
            },
          ],
          schemaUrl: '',
        },
      ],
    };
    const expected = logsExport(
      { 'service.name': 'checkout', replicas: int(3) },
      [
        logRecord({
          timeUnixNano: 1_700_000_000_123_456_789n,
          observedTimeUnixNano: 1_700_000_000_123_456_790n,
          severityNumber: 18,
          severityText: 'ERROR',
          body: kvlist({ msg: str('failed'), ratio: dbl(0.25), raw: bytes([0, 255]), list: arr(int(-1), EMPTY_VALUE) }),
          attributes: attrs({ 'http.status': int(200) }),
          droppedAttributesCount: 1,
          flags: 1,
          traceId: Uint8Array.from({ length: 16 }, (_, i) => i + 1),
          spanId: Uint8Array.from({ length: 8 }, (_, i) => 0xf0 + i),
          eventName: 'checkout.failed',
        }),
      ],
      { name: 'lib', version: '1.0.0', attributes: attrs({ k: bool(true) }), droppedAttributesCount: 2 },
    );
    assert.deepEqual(plain(decode(json)), plain(expected));
  });

  it('accepts snake_case field names', () => {
    const req = decode({
      resource_logs: [
        {
          scope_logs: [
            {
              log_records: [
                {
                  time_unix_nano: '5',
                  observed_time_unix_nano: '6',
                  severity_number: 9,
                  severity_text: 'INFO',
                  body: { string_value: 'hello' },
                  dropped_attributes_count: 2,
                  trace_id: '0102030405060708090a0b0c0d0e0f10',
                  span_id: '0102030405060708',
                  event_name: 'e',
                  attributes: [{ key: 'a', value: { int_value: '7' } }],
                },
              ],
            },
          ],
        },
      ],
    });
    const r = firstRecord(req);
    assert.deepEqual(
      [
        r.timeUnixNano,
        r.observedTimeUnixNano,
        r.severityNumber,
        r.severityText,
        r.body,
        r.droppedAttributesCount,
        r.eventName,
      ],
      [5n, 6n, 9, 'INFO', str('hello'), 2, 'e'],
    );
    assert.deepEqual(r.attributes, [{ key: 'a', value: int(7) }]);
  });

  it('reads 64-bit integers exactly, as numbers or strings', () => {
    const r = firstRecord(
      decode(withRecords({ timeUnixNano: 0 }).replace('"timeUnixNano":0', '"timeUnixNano":18446744073709551615')),
    );
    assert.equal(r.timeUnixNano, 18_446_744_073_709_551_615n);
    const body = firstRecord(
      decode('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"intValue":-9223372036854775808}}]}]}]}'),
    ).body;
    assert.deepEqual(body, int(-9_223_372_036_854_775_808n));
  });

  it('refuses integers out of range or not decimal', () => {
    assert.match(
      decodeError(withRecords({ timeUnixNano: '-1' })),
      /^ReadUint64: strconv.ParseUint: parsing "-1": invalid syntax/,
    );
    assert.match(
      decodeError(withRecords({ body: { intValue: '12x' } })),
      /^ReadInt64: strconv.ParseInt: parsing "12x": invalid syntax/,
    );
    assert.match(decodeError(withRecords({ flags: 4294967296 })), /^ReadUint32: overflow/);
    assert.match(decodeError(withRecords({ timeUnixNano: 1.5 })), /^ReadUint64: /);
    assert.match(decodeError(withRecords({ timeUnixNano: true })), /^ReadUint64: unsupported value type/);
  });

  it('reads severity numbers by enum name or number', () => {
    assert.equal(firstRecord(decode(withRecords({ severityNumber: 'SEVERITY_NUMBER_FATAL4' }))).severityNumber, 24);
    assert.equal(firstRecord(decode(withRecords({ severityNumber: 'SEVERITY_NUMBER_TRACE' }))).severityNumber, 1);
    assert.equal(firstRecord(decode(withRecords({ severityNumber: 30 }))).severityNumber, 30);
    assert.match(decodeError(withRecords({ severityNumber: 'LOUD' })), /^ReadEnumValue: unknown string value/);
  });

  it('reads doubles from numbers and from strings such as "NaN"', () => {
    assert.deepEqual(firstRecord(decode(withRecords({ body: { doubleValue: 1e21 } }))).body, dbl(1e21));
    assert.deepEqual(firstRecord(decode(withRecords({ body: { doubleValue: '-Infinity' } }))).body, dbl(-Infinity));
    assert.ok(
      Number.isNaN(
        (firstRecord(decode(withRecords({ body: { doubleValue: 'NaN' } }))).body as { value: number }).value,
      ),
    );
  });

  it('reads null as an empty value, list or string', () => {
    const r = firstRecord(decode(withRecords({ body: null, attributes: null, severityText: null })));
    assert.deepEqual([r.body, r.attributes, r.severityText], [EMPTY_VALUE, [], '']);
    assert.deepEqual(decode('{"resourceLogs":null}'), { resourceLogs: [] });
  });

  it('skips unknown fields of any shape', () => {
    const r = firstRecord(
      decode(
        withRecords({ future: { a: [1, { b: null }], c: 'x' }, other: [true, false, -1.5e3], severityText: 'WARN' }),
      ),
    );
    assert.equal(r.severityText, 'WARN');
  });

  it('adds up a repeated attributes key, and lets the last oneof member win', () => {
    const json =
      '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"a","value":{"stringValue":"1"}}],' +
      '"attributes":[{"key":"b","value":{"stringValue":"x","intValue":"2"}}]}]}]}]}';
    assert.deepEqual(firstRecord(decode(json)).attributes, [
      { key: 'a', value: str('1') },
      { key: 'b', value: int(2) },
    ]);
  });

  it('decodes string escapes, pairing surrogates and replacing unpaired ones', () => {
    const body = (escaped: string) =>
      firstRecord(decode(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"${escaped}"}}]}]}]}`))
        .body;
    assert.deepEqual(body('caf\\u00e9 \\"q\\" \\\\ \\/ \\n\\t'), str('café "q" \\ / \n\t'));
    assert.deepEqual(body('\\ud83d\\ude00'), str('😀'));
    assert.deepEqual(body('a\\ud800b'), str('a\ufffdb'));
    assert.deepEqual(body('\\ud800\\u0041'), str('\ufffdA'));
    assert.deepEqual(body('\\udc00\\n'), str('\ufffd\n'));
  });

  it('reads trace and span ids as hex of the right length', () => {
    assert.deepEqual(
      [...firstRecord(decode(withRecords({ spanId: 'ABCDEF0123456789' }))).spanId],
      [0xab, 0xcd, 0xef, 1, 0x23, 0x45, 0x67, 0x89],
    );
    assert.equal(firstRecord(decode(withRecords({ traceId: '' }))).traceId.length, 0);
    assert.match(decodeError(withRecords({ traceId: 'abcd' })), /^ID.UnmarshalJSONIter: length mismatch/);
    assert.match(
      decodeError(withRecords({ spanId: '0102030405060708a' })),
      /^ID.UnmarshalJSONIter: encoding\/hex: odd length hex string/,
    );
    assert.match(
      decodeError(withRecords({ spanId: '01020304050607zz' })),
      /^ID.UnmarshalJSONIter: encoding\/hex: invalid byte: U\+007A 'z'/,
    );
  });

  it('reads bytes as standard padded base64', () => {
    assert.deepEqual(
      plain(firstRecord(decode(withRecords({ body: { bytesValue: 'aGk=' } }))).body),
      plain(bytes([104, 105])),
    );
    assert.match(
      decodeError(withRecords({ body: { bytesValue: 'a-_b' } })),
      /^base64.Decode: illegal base64 data at input byte 1/,
    );
  });

  it('falls back to deprecatedScopeLogs when scopeLogs is absent', () => {
    const req = decode({
      resourceLogs: [{ deprecatedScopeLogs: [{ logRecords: [{ body: { stringValue: 'old' } }] }] }],
    });
    assert.deepEqual(firstRecord(req).body, str('old'));
  });

  it('reads very long attribute lists', () => {
    const attributes = Array.from({ length: 200_000 }, (_, i) => ({ key: `k${i}`, value: { intValue: i } }));
    assert.equal(firstRecord(decode(withRecords({ attributes }))).attributes.length, 200_000);
  });

  it('refuses values nested deeper than it can follow as a client error', () => {
    const depth = 50_000;
    const body = `${'{"arrayValue":{"values":['.repeat(depth)}${']}}'.repeat(depth)}`;
    assert.equal(decodeError(withRecords({ body: 0 }).replace('"body":0', `"body":${body}`)), 'exceeded max depth');
  });

  it('ignores what follows the top-level object', () => {
    assert.deepEqual(decode('{"resourceLogs":[]} trailing'), { resourceLogs: [] });
  });

  it('refuses a body that is not a JSON object, with json-iterator style messages', () => {
    assert.match(
      decodeError(''),
      /^ReadObject: expect \{ or , or \} or n, but found , error found in #0 byte of \.\.\.\|\|\.\.\./,
    );
    assert.match(decodeError('[1]'), /^ReadObject: expect \{ or , or \} or n, but found \[/);
    assert.match(decodeError('{"resourceLogs":[{"scopeLogs":'), /^ReadArray: /);
    assert.match(
      decodeError('{"resourceLogs":[{"resource":{"attributes":[{"key":"a","value":{"stringValue":"x}}]}}]}'),
      /^ReadString: unexpected end of input/,
    );
    assert.match(
      decodeError('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"\\x"}}]}]}]}'),
      /^readEscapedChar: invalid escape char after \\/,
    );
    assert.match(decodeError('{"a":tru}'), /^ReadBool: expect rue/);
  });
});
