// The object store on S3 and S3-compatible services (MinIO, Ceph, Alibaba OSS).
//
// Compatibility choices that matter for non-AWS stores:
// - checksums are only computed or checked where an operation requires them,
//   and bodies go out as whole Buffers with a Content-Length, so the SDK never
//   switches to aws-chunked framing with trailing checksums (OSS and others
//   reject it or store the framing as data);
// - virtual-hosted addressing is the default, as in Loki and as OSS requires.
//
// Retries are ours, not the SDK's, so they follow Loki's backoff_config and are
// visible in metrics: every operation is retried on 5xx answers, throttling,
// timeouts and network errors (a restarting store), never on 4xx answers.
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Histogram, Registry } from 'prom-client';
import { Backoff, sleep } from './backoff.js';
import { bucketForKey } from './bucket-hash.js';
import { type ListResult, type ObjectAttributes, type ObjectClient, ObjectNotFoundError } from './client.js';
import type { AwsStorageConfig } from './config.js';
import { compareKeys, compareObjects } from './listing.js';
import { resolveLocalhostSubdomains } from './localhost-lookup.js';
import { FALLBACK_REGION, type ResolvedS3Settings, resolveS3Settings } from './s3-config.js';
import { isAbortError, isInvalidRange, isRetryableS3Error, isS3NotFound } from './s3-errors.js';
import { type S3Operation, s3RequestDurationHistogram } from './s3-request-metrics.js';

/** Concurrent connections per host; Loki keeps up to 200 idle ones and reads 150 chunks in parallel. */
const MAX_SOCKETS_PER_HOST = 200;
/** Loki's dial timeout. */
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

export interface S3ObjectClientOptions {
  /** Where `loki_s3_request_duration_seconds` goes; no request metrics without it. */
  registry?: Registry;
  /** Name reported as `kind`; "s3" unless the store was configured another way (e.g. "alibabacloud"). */
  kind?: string;
  /** Limit for establishing a TCP/TLS connection. */
  connectTimeoutMs?: number;
  /**
   * Host name resolution for the connection pool. Defaults to the system
   * resolver, except that names under `localhost` resolve to loopback (RFC
   * 6761), so virtual-hosted requests reach a store on this machine.
   */
  lookup?: LookupFunction;
}

export class S3ObjectClient implements ObjectClient {
  readonly kind: string;
  readonly settings: ResolvedS3Settings;
  private readonly client: S3Client;
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;
  private readonly requestDuration: Histogram<'operation' | 'status_code'> | undefined;

  constructor(config: AwsStorageConfig, options: S3ObjectClientOptions = {}) {
    this.kind = options.kind ?? 's3';
    this.settings = resolveS3Settings(config);
    const { http } = this.settings;
    const poolOptions = {
      keepAlive: true,
      maxSockets: MAX_SOCKETS_PER_HOST,
      maxFreeSockets: MAX_SOCKETS_PER_HOST,
      // On an agent, the socket timeout only closes idle pooled sockets; requests in flight are not affected.
      timeout: http.idleConnTimeoutMs > 0 ? http.idleConnTimeoutMs : undefined,
      lookup: options.lookup ?? resolveLocalhostSubdomains,
    };
    this.httpAgent = new HttpAgent(poolOptions);
    this.httpsAgent = new HttpsAgent({
      ...poolOptions,
      rejectUnauthorized: !http.insecureSkipVerify,
      ...(http.caFile ? { ca: readFileSync(http.caFile) } : {}),
    });
    this.requestDuration = options.registry ? s3RequestDurationHistogram(options.registry) : undefined;

    const explicitRegion = this.settings.region;
    this.client = new S3Client({
      region: explicitRegion ?? regionFromEnvironment,
      ...(this.settings.endpoint ? { endpoint: this.settings.endpoint } : {}),
      forcePathStyle: this.settings.forcePathStyle,
      tls: !this.settings.insecure,
      ...(this.settings.credentials ? { credentials: this.settings.credentials } : {}),
      maxAttempts: 1,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: {
        httpAgent: this.httpAgent,
        httpsAgent: this.httpsAgent,
        connectionTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        ...(http.responseHeaderTimeoutMs > 0 ? { socketTimeout: http.responseHeaderTimeoutMs } : {}),
      },
    });
  }

  async getObject(key: string, signal?: AbortSignal): Promise<Buffer> {
    try {
      return await this.withRetries('S3.GetObject', signal, async (attemptSignal) => {
        const output = await this.client.send(
          new GetObjectCommand({ Bucket: this.bucketOf(key), Key: this.storedKey(key) }),
          { abortSignal: attemptSignal },
        );
        return readBody(output, attemptSignal);
      });
    } catch (err) {
      if (isS3NotFound(err)) throw new ObjectNotFoundError(key);
      throw err;
    }
  }

  async getObjectRange(key: string, offset: number, length: number, signal?: AbortSignal): Promise<Buffer> {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`invalid range offset: ${offset}`);
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`invalid range length: ${length}`);
    if (length === 0) {
      // "bytes=N-(N-1)" is not a valid range and S3 would answer with the whole object.
      if ((await this.headObject(key)) === null) throw new ObjectNotFoundError(key);
      return Buffer.alloc(0);
    }
    try {
      return await this.withRetries('S3.GetObject', signal, async (attemptSignal) => {
        const output = await this.client.send(
          new GetObjectCommand({
            Bucket: this.bucketOf(key),
            Key: this.storedKey(key),
            Range: `bytes=${offset}-${offset + length - 1}`,
          }),
          { abortSignal: attemptSignal },
        );
        const body = await readBody(output, attemptSignal);
        // A store that ignores Range answers with the whole object.
        return output.ContentRange ? body : body.subarray(offset, offset + length);
      });
    } catch (err) {
      if (isS3NotFound(err)) throw new ObjectNotFoundError(key);
      // The range starts at or past the end: nothing to read, as on a filesystem.
      if (isInvalidRange(err)) return Buffer.alloc(0);
      throw err;
    }
  }

  async putObject(key: string, body: Buffer): Promise<void> {
    const input: PutObjectCommandInput = {
      Bucket: this.bucketOf(key),
      Key: this.storedKey(key),
      Body: body,
      ContentLength: body.length,
    };
    // STANDARD is what S3 stores without the header; some compatible stores reject the header itself.
    if (this.settings.storageClass !== 'STANDARD') {
      input.StorageClass = this.settings.storageClass as PutObjectCommandInput['StorageClass'];
    }
    const { sse } = this.settings;
    if (sse) {
      input.ServerSideEncryption = sse.algorithm;
      if (sse.kmsKeyId) input.SSEKMSKeyId = sse.kmsKeyId;
      if (sse.kmsEncryptionContext) input.SSEKMSEncryptionContext = sse.kmsEncryptionContext;
    }
    await this.withRetries('S3.PutObject', undefined, async (attemptSignal) => {
      await this.client.send(new PutObjectCommand(input), { abortSignal: attemptSignal });
    });
  }

  async deleteObject(key: string): Promise<void> {
    try {
      await this.withRetries('S3.DeleteObject', undefined, async (attemptSignal) => {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.bucketOf(key), Key: this.storedKey(key) }), {
          abortSignal: attemptSignal,
        });
      });
    } catch (err) {
      if (!isS3NotFound(err)) throw err;
    }
  }

  async headObject(key: string): Promise<ObjectAttributes | null> {
    try {
      return await this.withRetries('S3.GetAttributes', undefined, async (attemptSignal) => {
        const output = await this.client.send(
          new HeadObjectCommand({ Bucket: this.bucketOf(key), Key: this.storedKey(key) }),
          { abortSignal: attemptSignal },
        );
        return { key, size: output.ContentLength ?? 0, modifiedMs: output.LastModified?.getTime() ?? 0 };
      });
    } catch (err) {
      if (isS3NotFound(err)) return null;
      throw err;
    }
  }

  async list(prefix: string, delimiter?: string): Promise<ListResult> {
    const objects: ObjectAttributes[] = [];
    const commonPrefixes: string[] = [];
    for (const bucket of this.settings.buckets) {
      let continuationToken: string | undefined;
      do {
        const page = await this.withRetries('S3.List', undefined, (attemptSignal) =>
          this.client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: prefix,
              ...(delimiter ? { Delimiter: delimiter } : {}),
              ...(continuationToken ? { ContinuationToken: continuationToken } : {}),
            }),
            { abortSignal: attemptSignal },
          ),
        );
        for (const item of page.Contents ?? []) {
          if (item.Key === undefined) continue;
          objects.push({ key: item.Key, size: item.Size ?? 0, modifiedMs: item.LastModified?.getTime() ?? 0 });
        }
        for (const common of page.CommonPrefixes ?? []) {
          if (common.Prefix !== undefined) commonPrefixes.push(common.Prefix);
        }
        continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (continuationToken);
    }
    // One bucket comes back sorted already; several must be merged.
    if (this.settings.buckets.length === 1) return { objects, commonPrefixes };
    return { objects: objects.sort(compareObjects), commonPrefixes: [...new Set(commonPrefixes)].sort(compareKeys) };
  }

  async stop(): Promise<void> {
    this.client.destroy();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private bucketOf(key: string): string {
    // Loki hashes the key as given, before any delimiter rewrite.
    return bucketForKey(this.settings.buckets, key);
  }

  private storedKey(key: string): string {
    const delimiter = this.settings.chunkDelimiter;
    return delimiter ? key.replaceAll(':', delimiter) : key;
  }

  /**
   * Runs one attempt after another until one succeeds, the error is final, the
   * backoff is exhausted or the caller aborts. Each attempt gets its own
   * deadline (http_config.timeout) that covers reading the body too.
   */
  private async withRetries<T>(
    operation: S3Operation,
    signal: AbortSignal | undefined,
    attempt: (attemptSignal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T> {
    const backoff = new Backoff(this.settings.backoff);
    const timeoutMs = this.settings.http.timeoutMs;
    for (;;) {
      signal?.throwIfAborted();
      const deadline = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
      const attemptSignal = deadline ? (signal ? AbortSignal.any([signal, deadline]) : deadline) : signal;
      const started = performance.now();
      let failure: unknown;
      try {
        const result = await attempt(attemptSignal);
        this.observe(operation, '200', started);
        return result;
      } catch (err) {
        this.observe(operation, '500', started);
        if (signal?.aborted) throw err;
        const timedOut = deadline?.aborted === true && isAbortError(err);
        if (!timedOut && !isRetryableS3Error(err)) throw err;
        failure = timedOut ? new S3TimeoutError(operation, timeoutMs) : err;
      }
      const delay = backoff.nextDelay();
      if (!backoff.ongoing()) throw failure;
      await sleep(delay, signal);
    }
  }

  private observe(operation: S3Operation, status: '200' | '500', started: number): void {
    this.requestDuration?.observe({ operation, status_code: status }, (performance.now() - started) / 1000);
  }
}

/** An attempt ran past `storage_config.aws.http_config.timeout`. */
export class S3TimeoutError extends Error {
  override name = 'TimeoutError';
  constructor(operation: string, timeoutMs: number) {
    super(`${operation} timed out after ${timeoutMs}ms`);
  }
}

/**
 * The region from AWS_REGION or the shared config profile, as the SDK would
 * find it; Loki's "dummy" when there is none, so that requests to custom
 * endpoints (MinIO and the like) still get signed.
 */
let environmentRegion: Promise<string> | undefined;
function regionFromEnvironment(): Promise<string> {
  environmentRegion ??= (async () => {
    const probe = new S3Client({});
    try {
      return await probe.config.region();
    } catch {
      return FALLBACK_REGION;
    } finally {
      probe.destroy();
    }
  })();
  return environmentRegion;
}

/**
 * Reads a GetObject body into one Buffer. With a Content-Length the buffer is
 * allocated once and filled in place; a body that ends early is an error worth
 * retrying (the connection broke), not a short object.
 */
async function readBody(output: GetObjectCommandOutput, signal: AbortSignal | undefined): Promise<Buffer> {
  const body = output.Body;
  if (body === undefined) return Buffer.alloc(0);
  if (!(body instanceof Readable)) return Buffer.from(await body.transformToByteArray());
  const onAbort = () => body.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const expected = output.ContentLength;
    if (expected === undefined) {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }
    const out = Buffer.allocUnsafe(expected);
    let filled = 0;
    for await (const chunk of body) {
      const bytes = chunk as Buffer;
      if (filled + bytes.length > expected) throw prematureEnd(`body is longer than its Content-Length ${expected}`);
      bytes.copy(out, filled);
      filled += bytes.length;
    }
    if (filled !== expected) throw prematureEnd(`body ended after ${filled} of ${expected} bytes`);
    return out;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function prematureEnd(message: string): Error {
  return Object.assign(new Error(message), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
