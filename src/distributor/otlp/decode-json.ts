// Decoding of OTLP/JSON logs exports, following the collector's decoder field
// for field (which is what Loki runs): lowerCamelCase or snake_case names,
// 64-bit integers as numbers or decimal strings, enums by name or number,
// trace and span ids as hex, bytes as standard base64, unknown fields ignored.
import { OtlpDecodeError } from './errors.js';
import { JsonIterator } from './json-iterator.js';
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

const SEVERITY_NUMBERS: ReadonlyMap<string, number> = new Map([
  ['SEVERITY_NUMBER_UNSPECIFIED', 0],
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level, i) =>
    ['', '2', '3', '4'].map((suffix, j): [string, number] => [`SEVERITY_NUMBER_${level}${suffix}`, i * 4 + j + 1]),
  ),
]);

/** Appends a list of key/values to `out` (a repeated key adds to the list, as in the collector's decoder). */
function readKeyValuesInto(iter: JsonIterator, out: KeyValue[]): void {
  while (iter.readArray()) out.push(readKeyValue(iter));
}

function readKeyValue(iter: JsonIterator): KeyValue {
  let key = '';
  let value: AnyValue = EMPTY_VALUE;
  for (let f = iter.readObject(); f !== ''; f = iter.readObject()) {
    switch (f) {
      case 'key':
        key = iter.readString();
        break;
      case 'value':
        value = readAnyValue(iter);
        break;
      case 'keyStrindex':
      case 'key_strindex':
        // A reference into the profiles dictionary: meaningless for logs.
        iter.readInt32();
        break;
      default:
        iter.skip();
    }
  }
  return { key, value };
}

/** Reads `{"values": [...]}` (ArrayValue and KeyValueList), with `read` for each element. */
function readValues<T>(iter: JsonIterator, read: (iter: JsonIterator) => T): T[] {
  const out: T[] = [];
  for (let f = iter.readObject(); f !== ''; f = iter.readObject()) {
    if (f === 'values') {
      while (iter.readArray()) out.push(read(iter));
    } else {
      iter.skip();
    }
  }
  return out;
}

function readAnyValue(iter: JsonIterator): AnyValue {
  // As in a protobuf oneof, the last member present wins.
  let value: AnyValue = EMPTY_VALUE;
  for (let f = iter.readObject(); f !== ''; f = iter.readObject()) {
    switch (f) {
      case 'stringValue':
      case 'string_value':
        value = { kind: 'string', value: iter.readString() };
        break;
      case 'boolValue':
      case 'bool_value':
        value = { kind: 'bool', value: iter.readBool() };
        break;
      case 'intValue':
      case 'int_value':
        value = { kind: 'int', value: iter.readInt64() };
        break;
      case 'doubleValue':
      case 'double_value':
        value = { kind: 'double', value: iter.readFloat64() };
        break;
      case 'arrayValue':
      case 'array_value':
        value = { kind: 'array', values: readValues(iter, readAnyValue) };
        break;
      case 'kvlistValue':
      case 'kvlist_value':
        value = { kind: 'kvlist', values: readValues(iter, readKeyValue) };
        break;
      case 'bytesValue':
      case 'bytes_value':
        value = { kind: 'bytes', value: readBase64(iter) };
        break;
      case 'stringValueStrindex':
      case 'string_value_strindex':
        iter.readInt32();
        value = EMPTY_VALUE;
        break;
      default:
        iter.skip();
    }
  }
  return value;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard base64 with padding, as Go's StdEncoding reads it (line breaks ignored). */
function readBase64(iter: JsonIterator): Uint8Array {
  const text = iter.readRawString().replace(/[\r\n]/g, '');
  if (text === '') return NO_BYTES;
  if (!BASE64.test(text)) {
    let at = 0;
    while (at < text.length && /[A-Za-z0-9+/]/.test(text[at]!)) at++;
    iter.reportError('base64.Decode', `illegal base64 data at input byte ${at}`);
    return NO_BYTES;
  }
  return Buffer.from(text, 'base64');
}

/** A trace or span id: hex of exactly `size` bytes, or empty. */
function readId(iter: JsonIterator, size: number): Uint8Array {
  const text = iter.readRawString();
  if (text === '') return NO_BYTES;
  if (Math.floor(text.length / 2) !== size) {
    iter.reportError('ID.UnmarshalJSONIter', 'length mismatch');
    return NO_BYTES;
  }
  if (text.length % 2 !== 0) {
    iter.reportError('ID.UnmarshalJSONIter', 'encoding/hex: odd length hex string');
    return NO_BYTES;
  }
  const bad = /[^0-9a-fA-F]/.exec(text);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    iter.reportError('ID.UnmarshalJSONIter', `encoding/hex: invalid byte: U+${code} '${bad[0]}'`);
    return NO_BYTES;
  }
  return Buffer.from(text, 'hex');
}

function readLogRecord(iter: JsonIterator): LogRecord {
  let timeUnixNano = 0n;
  let observedTimeUnixNano = 0n;
  let severityNumber = 0;
  let severityText = '';
  let body: AnyValue = EMPTY_VALUE;
  const attributes: KeyValue[] = [];
  let droppedAttributesCount = 0;
  let flags = 0;
  let traceId = NO_BYTES;
  let spanId = NO_BYTES;
  let eventName = '';
  for (let f = iter.readObject(); f !== ''; f = iter.readObject()) {
    switch (f) {
      case 'timeUnixNano':
      case 'time_unix_nano':
        timeUnixNano = iter.readUint64();
        break;
      case 'observedTimeUnixNano':
      case 'observed_time_unix_nano':
        observedTimeUnixNano = iter.readUint64();
        break;
      case 'severityNumber':
      case 'severity_number':
        severityNumber = iter.readEnum(SEVERITY_NUMBERS);
        break;
      case 'severityText':
      case 'severity_text':
        severityText = iter.readString();
        break;
      case 'body':
        body = readAnyValue(iter);
        break;
      case 'attributes':
        readKeyValuesInto(iter, attributes);
        break;
      case 'droppedAttributesCount':
      case 'dropped_attributes_count':
        droppedAttributesCount = iter.readUint32();
        break;
      case 'flags':
        flags = iter.readUint32();
        break;
      case 'traceId':
      case 'trace_id':
        traceId = readId(iter, 16);
        break;
      case 'spanId':
      case 'span_id':
        spanId = readId(iter, 8);
        break;
      case 'eventName':
      case 'event_name':
        eventName = iter.readString();
        break;
      default:
        iter.skip();
    }
  }
  return {
    timeUnixNano,
    observedTimeUnixNano,
    severityNumber,
    severityText,
    body,
    attributes,
    droppedAttributesCount,
    flags,
    traceId,
    spanId,
    eventName,
  };
}

function readScope(iter: JsonIterator): InstrumentationScope {
  let name = '';
  let version = '';
  const attributes: KeyValue[] = [];
  let droppedAttributesCount = 0;
  let seen = false;
  for (let f = iter.readObject(); f !== ''; f = iter.readObject()) {
    seen = true;
    switch (f) {
      case 'name':
        name = iter.readString();
        break;
      case 'version':
        version = iter.readString();
        break;
      case 'attributes':
        readKeyValuesInto(iter, attributes);
        break;
      case 'droppedAttributesCount':
      case 'dropped_attributes_count':
        droppedAttributesCount = iter.readUint32();
        break;
      default:
        iter.skip();
    }
  }
  return seen ? { name, version, attributes, droppedAttributesCount } : EMPTY_SCOPE;
}

function readScopeLogs(iter: JsonIterator): ScopeLogs {
  let scope = EMPTY_SCOPE;
  const logRecords: LogRecord[] = [];
  for (let f = iter.readObject(); f !== ''; f = iter.readObject()) {
    switch (f) {
      case 'scope':
        scope = readScope(iter);
        break;
      case 'logRecords':
      case 'log_records':
        while (iter.readArray()) logRecords.push(readLogRecord(iter));
        break;
      default:
        iter.skip();
    }
  }
  return { scope, logRecords };
}

function readResourceAttributesInto(iter: JsonIterator, attributes: KeyValue[]): void {
  for (let f = iter.readObject(); f !== ''; f = iter.readObject()) {
    if (f === 'attributes') readKeyValuesInto(iter, attributes);
    else iter.skip();
  }
}

function readResourceLogs(iter: JsonIterator): ResourceLogs {
  const resourceAttributes: KeyValue[] = [];
  const scopeLogs: ScopeLogs[] = [];
  const deprecatedScopeLogs: ScopeLogs[] = [];
  for (let f = iter.readObject(); f !== ''; f = iter.readObject()) {
    switch (f) {
      case 'resource':
        readResourceAttributesInto(iter, resourceAttributes);
        break;
      case 'scopeLogs':
      case 'scope_logs':
        while (iter.readArray()) scopeLogs.push(readScopeLogs(iter));
        break;
      case 'deprecatedScopeLogs':
      case 'deprecated_scope_logs':
        while (iter.readArray()) deprecatedScopeLogs.push(readScopeLogs(iter));
        break;
      default:
        iter.skip();
    }
  }
  // Exporters from before OTLP 0.16 sent their scopes in the deprecated field.
  return { resourceAttributes, scopeLogs: scopeLogs.length > 0 ? scopeLogs : deprecatedScopeLogs };
}

/** Decodes an uncompressed OTLP/JSON logs export; throws OtlpDecodeError with the parser's message. */
export function decodeLogsExportJSON(body: Buffer): LogsExport {
  const iter = new JsonIterator(body.toString('utf8'));
  const resourceLogs: ResourceLogs[] = [];
  try {
    for (let f = iter.readObject(); f !== ''; f = iter.readObject()) {
      if (f === 'resourceLogs' || f === 'resource_logs') {
        while (iter.readArray()) resourceLogs.push(readResourceLogs(iter));
      } else {
        iter.skip();
      }
    }
  } catch (err) {
    // Values nested deeper than the stack allows: a client error, not a server fault.
    if (err instanceof RangeError && /call stack/.test(err.message)) throw new OtlpDecodeError('exceeded max depth');
    throw err;
  }
  if (iter.error !== null) throw new OtlpDecodeError(iter.error);
  return { resourceLogs };
}
