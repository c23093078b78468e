import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { encodeStatus, otlpErrorStatus } from './status.js';

/** google.rpc.Status as googleapis defines it (details left out: never sent). */
const Status = new protobuf.Type('Status')
  .add(new protobuf.Field('code', 1, 'int32'))
  .add(new protobuf.Field('message', 2, 'string'));

describe('encodeStatus', () => {
  it('encodes a google.rpc.Status holding the message and code 0', () => {
    const decoded = Status.decode(encodeStatus('content type: text/plain is not supported')) as unknown as {
      code: number;
      message: string;
    };
    assert.equal(decoded.message, 'content type: text/plain is not supported');
    assert.equal(decoded.code, 0);
  });

  it('keeps multi-byte messages intact', () => {
    const decoded = Status.decode(encodeStatus('stream \'{app="é"}\' — too old')) as unknown as { message: string };
    assert.equal(decoded.message, 'stream \'{app="é"}\' — too old');
  });

  it('encodes an empty message as an empty body, as proto3 omits defaults', () => {
    assert.equal(encodeStatus('').length, 0);
  });
});

describe('otlpErrorStatus', () => {
  it('answers 500 as 503 so that OTLP clients retry, and keeps other codes', () => {
    assert.equal(otlpErrorStatus(500), 503);
    for (const code of [400, 413, 422, 429, 503, 260]) assert.equal(otlpErrorStatus(code), code);
  });
});
