// The compactor's settings, taken from Loki's `compactor` block and checked the
// way Loki checks them at start-up (compactor.Config.Validate), with Loki's
// messages. Durations are milliseconds.
import type { CompactorConfig } from '../config/index.js';
import type { BackoffSettings } from '../storage/objstore/backoff.js';

export interface CompactorSettings {
  workingDirectory: string;
  compactionIntervalMs: number;
  /** How often retention (and delete requests) run; derived as Loki does when unset. */
  applyRetentionIntervalMs: number;
  retentionEnabled: boolean;
  retentionDeleteDelayMs: number;
  retentionDeleteWorkerCount: number;
  /** 0: no limit on the time spent marking one table. */
  retentionTableTimeoutMs: number;
  retentionBackoff: BackoffSettings;
  /** Name of the object store holding delete requests (a schema `object_store` or named store). */
  deleteRequestStore: string;
  deleteRequestStoreKeyPrefix: string;
  deleteBatchSize: number;
  deleteRequestCancelPeriodMs: number;
  deleteMaxIntervalMs: number;
  maxCompactionParallelism: number;
  uploadParallelism: number;
  tablesToCompact: number;
  skipLatestNTables: number;
  /** Empty: deletion markers stay in the working directory. */
  deletionMarkerObjectStorePrefix: string;
}

export class CompactorConfigError extends Error {
  override name = 'CompactorConfigError';
  constructor(message: string) {
    super(`CONFIG ERROR: invalid compactor config: ${message}`);
  }
}

/** Loki's config.ValidatePathPrefix; the problem, or null. */
export function pathPrefixProblem(prefix: string): string | null {
  if (prefix === '') return 'prefix must be set';
  if (prefix.includes('\\')) return "prefix should only have '/' as a path separator";
  if (prefix.startsWith('/')) return "prefix should never start with a path separator i.e '/'";
  if (!prefix.endsWith('/')) return "prefix should end with a path separator i.e '/'";
  return null;
}

const TEN_MINUTES_MS = 10 * 60 * 1000;

export function compactorSettings(c: CompactorConfig): CompactorSettings {
  if (c.max_compaction_parallelism < 1) throw new CompactorConfigError('max compaction parallelism must be >= 1');
  let applyRetentionIntervalMs = c.apply_retention_interval;
  if (c.retention_enabled) {
    if (c.delete_request_store === '') {
      throw new CompactorConfigError('compactor.delete-request-store should be configured when retention is enabled');
    }
    // As Loki: retention runs on its own schedule, offset from compaction so the two rarely collide.
    if (applyRetentionIntervalMs === 0) applyRetentionIntervalMs = c.compaction_interval;
    if (applyRetentionIntervalMs === c.compaction_interval)
      applyRetentionIntervalMs += Math.min(TEN_MINUTES_MS, applyRetentionIntervalMs / 2);
    const problem = pathPrefixProblem(c.delete_request_store_key_prefix);
    if (problem) throw new CompactorConfigError(`validate delete store path prefix: ${problem}`);
    if (c.deletion_marker_object_store_prefix !== '' && !c.deletion_marker_object_store_prefix.endsWith('/'))
      throw new CompactorConfigError('deletion marker object store prefix must end with /');
  }
  if (c.compaction_interval <= 0) throw new CompactorConfigError('compaction interval must be greater than 0');
  return {
    workingDirectory: c.working_directory,
    compactionIntervalMs: c.compaction_interval,
    applyRetentionIntervalMs,
    retentionEnabled: c.retention_enabled,
    retentionDeleteDelayMs: c.retention_delete_delay,
    retentionDeleteWorkerCount: Math.max(1, c.retention_delete_worker_count),
    retentionTableTimeoutMs: c.retention_table_timeout,
    retentionBackoff: {
      minMs: c.retention_backoff_config.min_period,
      maxMs: c.retention_backoff_config.max_period,
      maxRetries: c.retention_backoff_config.max_retries,
    },
    deleteRequestStore: c.delete_request_store,
    deleteRequestStoreKeyPrefix: c.delete_request_store_key_prefix,
    deleteBatchSize: c.delete_batch_size,
    deleteRequestCancelPeriodMs: c.delete_request_cancel_period,
    deleteMaxIntervalMs: c.delete_max_interval,
    maxCompactionParallelism: c.max_compaction_parallelism,
    uploadParallelism: Math.max(1, c.upload_parallelism),
    tablesToCompact: c.tables_to_compact,
    skipLatestNTables: c.skip_latest_n_tables,
    deletionMarkerObjectStorePrefix: c.deletion_marker_object_store_prefix,
  };
}
