import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAbortError, isInvalidRange, isRetryableS3Error, isS3NotFound } from './s3-errors.js';

function sdkError(name: string, status?: number): Error {
  return Object.assign(new Error(name), { name, $metadata: status === undefined ? {} : { httpStatusCode: status } });
}

test('missing keys are not-found, missing buckets are not', () => {
  assert.ok(isS3NotFound(sdkError('NoSuchKey', 404)));
  assert.ok(isS3NotFound(sdkError('NotFound', 404)));
  assert.ok(!isS3NotFound(sdkError('NoSuchBucket', 404)));
  assert.ok(!isS3NotFound(sdkError('AccessDenied', 403)));
  assert.ok(!isS3NotFound(new Error('boom')));
});

test('server faults, throttling and network errors are retried', () => {
  for (const err of [
    sdkError('InternalError', 500),
    sdkError('ServiceUnavailable', 503),
    sdkError('SlowDown', 503),
    sdkError('Unknown', 502),
    sdkError('TooManyRequestsException', 429),
    sdkError('RequestTimeout', 400),
    sdkError('TimeoutError'),
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
    Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    new AggregateError([Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })]),
  ]) {
    assert.ok(isRetryableS3Error(err), String(err));
  }
});

test('client errors and aborts are final', () => {
  for (const err of [
    sdkError('AccessDenied', 403),
    sdkError('InvalidAccessKeyId', 403),
    sdkError('NoSuchKey', 404),
    sdkError('NoSuchBucket', 404),
    sdkError('AbortError'),
    new Error('plain'),
  ]) {
    assert.ok(!isRetryableS3Error(err), String(err));
  }
  assert.ok(isAbortError(sdkError('AbortError')));
});

test('an unsatisfiable range is recognised', () => {
  assert.ok(isInvalidRange(sdkError('InvalidRange', 416)));
  assert.ok(!isInvalidRange(sdkError('NoSuchKey', 404)));
});
