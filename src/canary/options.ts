// The canary's settings, one per loki-canary flag. Durations are milliseconds.

export interface CanaryOptions {
  /** Label name and value that identify this canary's stream (`-labelname`, `-labelvalue`). */
  readonly labelName: string;
  readonly labelValue: string;
  /** Second label pair (`-streamname`, `-streamvalue`); the value defaults to "stdout", or "push" with `-push`. */
  readonly streamName: string;
  readonly streamValue: string;
  /** Port of the canary's own HTTP server (`/metrics`, `/suspend`, `/resume`); 0 picks a free one. */
  readonly port: number;
  /** Loki's `host:port`, from `-addr` or LOKI_ADDRESS. */
  readonly addr: string;
  /** Push lines to Loki instead of writing them to standard output. */
  readonly push: boolean;
  readonly useTls: boolean;
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  readonly insecureSkipVerify: boolean;
  readonly user: string;
  readonly pass: string;
  readonly tenantId: string;
  readonly writeTimeoutMs: number;
  readonly writeMinBackoffMs: number;
  readonly writeMaxBackoffMs: number;
  readonly writeMaxRetries: number;
  readonly queryTimeoutMs: number;
  readonly intervalMs: number;
  readonly outOfOrderPercentage: number;
  readonly outOfOrderMinMs: number;
  readonly outOfOrderMaxMs: number;
  /** Bytes per line, newline included. */
  readonly size: number;
  readonly waitMs: number;
  readonly maxWaitMs: number;
  readonly pruneIntervalMs: number;
  /** Number of buckets of the response latency histogram. */
  readonly buckets: number;
  readonly queryAppend: string;
  /** `-labels`: `a=b,c=d`, replaces the selector built from the two label pairs when set. */
  readonly labels: string;
  readonly metricTestIntervalMs: number;
  readonly metricTestRangeMs: number;
  readonly cacheTestIntervalMs: number;
  readonly cacheTestRangeMs: number;
  readonly cacheTestNowMs: number;
  readonly spotCheckIntervalMs: number;
  readonly spotCheckMaxMs: number;
  readonly spotCheckQueryRateMs: number;
  readonly spotCheckInitialWaitMs: number;
  readonly logsBatchSize: number;
  readonly logsBatchSizeMax: number;
  readonly printVersion: boolean;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** loki-canary's defaults (`streamValue` empty: chosen from `push` after parsing). */
export const DEFAULT_CANARY_OPTIONS: CanaryOptions = {
  labelName: 'name',
  labelValue: 'loki-canary',
  streamName: 'stream',
  streamValue: '',
  port: 3500,
  addr: '',
  push: false,
  useTls: false,
  certFile: '',
  keyFile: '',
  caFile: '',
  insecureSkipVerify: false,
  user: '',
  pass: '',
  tenantId: '',
  writeTimeoutMs: 10 * SECOND,
  writeMinBackoffMs: 500,
  writeMaxBackoffMs: 5 * MINUTE,
  writeMaxRetries: 10,
  queryTimeoutMs: 10 * SECOND,
  intervalMs: SECOND,
  outOfOrderPercentage: 0,
  outOfOrderMinMs: 30 * SECOND,
  outOfOrderMaxMs: MINUTE,
  size: 100,
  waitMs: MINUTE,
  maxWaitMs: 5 * MINUTE,
  pruneIntervalMs: MINUTE,
  buckets: 10,
  queryAppend: '',
  labels: '',
  metricTestIntervalMs: HOUR,
  metricTestRangeMs: 24 * HOUR,
  cacheTestIntervalMs: 15 * MINUTE,
  cacheTestRangeMs: 24 * HOUR,
  cacheTestNowMs: HOUR,
  spotCheckIntervalMs: 15 * MINUTE,
  spotCheckMaxMs: 4 * HOUR,
  spotCheckQueryRateMs: MINUTE,
  spotCheckInitialWaitMs: 10 * SECOND,
  logsBatchSize: 1,
  logsBatchSizeMax: 20,
  printVersion: false,
};

/** `-logs-batch-size` at or below which each entry is pushed on its own. */
export const UNBATCHED_LOG_BATCH_SIZE = 1;
