// Reading the errors the AWS SDK throws: which mean "no such object", which are
// worth another attempt (the store is overloaded, restarting or unreachable for
// a moment) and which are final (credentials, permissions, bad requests).

/** Error codes S3 and compatible stores use for throttling and passing faults. */
const RETRYABLE_CODES = new Set([
  'RequestTimeout',
  'RequestTimeoutException',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'InternalError',
  'ServiceUnavailable',
  'EC2ThrottledException',
  'TimeoutError',
]);

/** Socket-level failures: the store is restarting, a proxy dropped us, DNS is flapping. */
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function shape(err: unknown): SdkErrorShape | undefined {
  return typeof err === 'object' && err !== null ? (err as SdkErrorShape) : undefined;
}

/** HTTP status of the store's answer, when there was one. */
export function httpStatusOf(err: unknown): number | undefined {
  const status = shape(err)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

function errorCodeOf(err: SdkErrorShape): string | undefined {
  for (const value of [err.Code, err.code, err.name]) {
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** True for a missing key. A missing bucket is a configuration problem and stays an error. */
export function isS3NotFound(err: unknown): boolean {
  const e = shape(err);
  if (!e) return false;
  if (e.name === 'NoSuchKey' || e.Code === 'NoSuchKey') return true;
  if (e.name === 'NoSuchBucket' || e.Code === 'NoSuchBucket') return false;
  return httpStatusOf(err) === 404;
}

/** True when the requested range starts past the end of the object. */
export function isInvalidRange(err: unknown): boolean {
  const e = shape(err);
  return !!e && (e.name === 'InvalidRange' || httpStatusOf(err) === 416);
}

/** Whether the caller gave up: such errors must never be retried. */
export function isAbortError(err: unknown): boolean {
  const e = shape(err);
  return !!e && (e.name === 'AbortError' || e.code === 'ABORT_ERR');
}

export function isRetryableS3Error(err: unknown): boolean {
  const e = shape(err);
  if (!e || isAbortError(err)) return false;
  const status = httpStatusOf(err);
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  const code = errorCodeOf(e);
  if (code !== undefined && (RETRYABLE_CODES.has(code) || RETRYABLE_NETWORK_CODES.has(code))) return true;
  if (typeof e.code === 'string' && RETRYABLE_NETWORK_CODES.has(e.code)) return true;
  // No answer at all (the request never got a status) and the SDK says it is transient.
  if (status === undefined && e.$retryable) return true;
  // Node wraps dual-stack connection failures in an AggregateError and
  // sometimes nests the socket error as the cause.
  if (Array.isArray(e.errors) && e.errors.some(isRetryableS3Error)) return true;
  return e.cause !== undefined && e.cause !== err && isRetryableS3Error(e.cause);
}
