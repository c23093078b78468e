// `loki_s3_request_duration_seconds`: the per-request histogram Loki 3's S3
// client exposes, one observation per HTTP attempt (retries count separately).
// Label values follow Loki: operation "S3.GetObject", "S3.PutObject", ...;
// status_code "200" for success and "500" for any failure, including a missing
// key, exactly as Loki reports them.
import { Histogram, type Registry } from 'prom-client';

export const S3_REQUEST_DURATION_METRIC = 'loki_s3_request_duration_seconds';

export type S3Operation = 'S3.GetObject' | 'S3.PutObject' | 'S3.DeleteObject' | 'S3.GetAttributes' | 'S3.List';

/** The histogram on `registry`, registered on first use and shared by every S3 client using that registry. */
export function s3RequestDurationHistogram(registry: Registry): Histogram<'operation' | 'status_code'> {
  const existing = registry.getSingleMetric(S3_REQUEST_DURATION_METRIC);
  if (existing) return existing as Histogram<'operation' | 'status_code'>;
  return new Histogram({
    name: S3_REQUEST_DURATION_METRIC,
    help: 'Time spent doing S3 requests.',
    labelNames: ['operation', 'status_code'],
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
    registers: [registry],
  });
}
