// OTLP error answers as Loki writes them: the HTTP status carries the code
// (a 500 becomes 503, which OTLP clients retry) and the body is a protobuf
// google.rpc.Status holding only the message.
import type { ServerResponse } from 'node:http';
import protobuf from 'protobufjs';

/** Field 2 (`message`), length-delimited: google.rpc.Status with `code` left at 0 and so omitted. */
const STATUS_MESSAGE_TAG = (2 << 3) | 2;

/** A google.rpc.Status carrying `message` (empty when the message is, as proto3 omits defaults). */
export function encodeStatus(message: string): Buffer {
  if (message === '') return Buffer.alloc(0);
  return Buffer.from(protobuf.Writer.create().uint32(STATUS_MESSAGE_TAG).string(message).finish());
}

/** The status an OTLP error is answered with. */
export function otlpErrorStatus(status: number): number {
  return status === 500 ? 503 : status;
}

/** Writes an OTLP error response, unless the response has already started. */
export function writeOtlpError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = encodeStatus(message);
  res.statusCode = otlpErrorStatus(status);
  // Go sniffs the binary body as application/octet-stream; an empty body gets no type.
  if (body.length > 0) res.setHeader('Content-Type', 'application/octet-stream');
  res.setHeader('Content-Length', body.length);
  res.end(body);
}
