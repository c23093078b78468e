// Operation metrics for any ObjectClient, under the names Loki 3 registers for
// its object stores (thanos-io/objstore's bucket metrics with Loki's "loki_"
// prefix), so existing dashboards and alerts keep working:
//
//   loki_objstore_bucket_operations_total{operation}
//   loki_objstore_bucket_operation_failures_total{operation}
//   loki_objstore_bucket_operation_duration_seconds{operation}
//   loki_objstore_bucket_operation_fetched_bytes_total{operation}
//   loki_objstore_bucket_operation_transferred_bytes{operation}
//   loki_objstore_bucket_last_successful_upload_time
//
// Operations are objstore's: get, get_range, upload, delete, attributes, iter
// (and exists, kept at zero). Loki labels every series with an empty `bucket`,
// which Prometheus treats as no label; we leave it out. As in objstore,
// durations count successful operations (and failed reads), and a caller
// abandoning a request is not a failure.
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ListResult, ObjectAttributes, ObjectClient } from './client.js';

export type ObjstoreOperation = 'iter' | 'get' | 'get_range' | 'exists' | 'upload' | 'delete' | 'attributes';

const ALL_OPERATIONS: readonly ObjstoreOperation[] = [
  'iter',
  'get',
  'get_range',
  'exists',
  'upload',
  'delete',
  'attributes',
];
const TRANSFER_OPERATIONS: readonly ObjstoreOperation[] = ['get', 'get_range', 'upload'];

/** 32 KiB, 64 KiB, ... 1 GiB, as objstore. */
const TRANSFERRED_BYTES_BUCKETS = Array.from({ length: 16 }, (_, i) => 32 * 1024 * 2 ** i);
const DURATION_BUCKETS = [0.001, 0.01, 0.1, 0.3, 0.6, 1, 3, 6, 9, 20, 30, 60, 90, 120];

export interface ObjstoreMetrics {
  operations: Counter<'operation'>;
  failures: Counter<'operation'>;
  duration: Histogram<'operation'>;
  fetchedBytes: Counter<'operation'>;
  transferredBytes: Histogram<'operation'>;
  lastSuccessfulUpload: Gauge;
}

/** The metrics on `registry`, created once and shared by every client instrumented with it. */
export function objstoreMetrics(registry: Registry): ObjstoreMetrics {
  const reuse = <T>(name: string, create: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? create();
  const registers = [registry];
  const metrics: ObjstoreMetrics = {
    operations: reuse(
      'loki_objstore_bucket_operations_total',
      () =>
        new Counter({
          name: 'loki_objstore_bucket_operations_total',
          help: 'Total number of all attempted operations against a bucket.',
          labelNames: ['operation'],
          registers,
        }),
    ),
    failures: reuse(
      'loki_objstore_bucket_operation_failures_total',
      () =>
        new Counter({
          name: 'loki_objstore_bucket_operation_failures_total',
          help: 'Total number of operations against a bucket that failed, but were not expected to fail in certain way from caller perspective. Those errors have to be investigated.',
          labelNames: ['operation'],
          registers,
        }),
    ),
    duration: reuse(
      'loki_objstore_bucket_operation_duration_seconds',
      () =>
        new Histogram({
          name: 'loki_objstore_bucket_operation_duration_seconds',
          help: 'Duration of successful operations against the bucket per operation - iter operations include time spent on each callback.',
          labelNames: ['operation'],
          buckets: DURATION_BUCKETS,
          registers,
        }),
    ),
    fetchedBytes: reuse(
      'loki_objstore_bucket_operation_fetched_bytes_total',
      () =>
        new Counter({
          name: 'loki_objstore_bucket_operation_fetched_bytes_total',
          help: 'Total number of bytes fetched from bucket, per operation.',
          labelNames: ['operation'],
          registers,
        }),
    ),
    transferredBytes: reuse(
      'loki_objstore_bucket_operation_transferred_bytes',
      () =>
        new Histogram({
          name: 'loki_objstore_bucket_operation_transferred_bytes',
          help: 'Number of bytes transferred from/to bucket per operation.',
          labelNames: ['operation'],
          buckets: TRANSFERRED_BYTES_BUCKETS,
          registers,
        }),
    ),
    lastSuccessfulUpload: reuse(
      'loki_objstore_bucket_last_successful_upload_time',
      () =>
        new Gauge({
          name: 'loki_objstore_bucket_last_successful_upload_time',
          help: 'Second timestamp of the last successful upload to the bucket.',
          registers,
        }),
    ),
  };
  // Series exist from the start, so rates and alerts work before the first failure.
  for (const operation of ALL_OPERATIONS) {
    metrics.operations.inc({ operation }, 0);
    metrics.failures.inc({ operation }, 0);
    metrics.fetchedBytes.inc({ operation }, 0);
    metrics.duration.zero({ operation });
  }
  for (const operation of TRANSFER_OPERATIONS) metrics.transferredBytes.zero({ operation });
  return metrics;
}

/** Wraps `client` so that every operation is counted and timed in `registry`. */
export function instrumentObjectClient(client: ObjectClient, registry: Registry): ObjectClient {
  return new InstrumentedObjectClient(client, objstoreMetrics(registry));
}

class InstrumentedObjectClient implements ObjectClient {
  readonly kind: string;

  constructor(
    private readonly inner: ObjectClient,
    private readonly metrics: ObjstoreMetrics,
  ) {
    this.kind = inner.kind;
  }

  getObject(key: string, signal?: AbortSignal): Promise<Buffer> {
    return this.read('get', signal, () => this.inner.getObject(key, signal));
  }

  getObjectRange(key: string, offset: number, length: number, signal?: AbortSignal): Promise<Buffer> {
    return this.read('get_range', signal, () => this.inner.getObjectRange(key, offset, length, signal));
  }

  async putObject(key: string, body: Buffer): Promise<void> {
    await this.run('upload', undefined, () => this.inner.putObject(key, body));
    this.metrics.transferredBytes.observe({ operation: 'upload' }, body.length);
    this.metrics.lastSuccessfulUpload.set(Date.now() / 1000);
  }

  deleteObject(key: string): Promise<void> {
    return this.run('delete', undefined, () => this.inner.deleteObject(key));
  }

  headObject(key: string): Promise<ObjectAttributes | null> {
    return this.run('attributes', undefined, () => this.inner.headObject(key));
  }

  list(prefix: string, delimiter?: string): Promise<ListResult> {
    return this.run('iter', undefined, () => this.inner.list(prefix, delimiter));
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  private async read(
    operation: 'get' | 'get_range',
    signal: AbortSignal | undefined,
    call: () => Promise<Buffer>,
  ): Promise<Buffer> {
    const started = performance.now();
    try {
      const body = await this.run(operation, signal, call);
      this.metrics.fetchedBytes.inc({ operation }, body.length);
      this.metrics.transferredBytes.observe({ operation }, body.length);
      return body;
    } catch (err) {
      // objstore times failed reads too.
      this.metrics.duration.observe({ operation }, (performance.now() - started) / 1000);
      throw err;
    }
  }

  private async run<T>(
    operation: ObjstoreOperation,
    signal: AbortSignal | undefined,
    call: () => Promise<T>,
  ): Promise<T> {
    this.metrics.operations.inc({ operation });
    const started = performance.now();
    let result: T;
    try {
      result = await call();
    } catch (err) {
      if (!signal?.aborted) this.metrics.failures.inc({ operation });
      throw err;
    }
    this.metrics.duration.observe({ operation }, (performance.now() - started) / 1000);
    return result;
  }
}
