// The compactor's metrics, under the names Loki registers for its TSDB
// compactor, so that Loki's dashboards and alerts keep working. Loki registers
// the retention marker and sweeper metrics once per schema period with a
// constant `from` label (`<object store>_<period start>`); here `from` is an
// ordinary label with the same values.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface CompactorMetrics {
  compactTablesOperationTotal: Counter<'status'>;
  compactTablesOperationDurationSeconds: Gauge;
  compactTablesOperationLastSuccess: Gauge;
  applyRetentionOperationTotal: Counter<'status'>;
  applyRetentionOperationDurationSeconds: Gauge;
  applyRetentionLastSuccess: Gauge;
  compactorRunning: Gauge;
  skippedCompactingLockedTables: Gauge<'table_name'>;

  markerTableProcessedTotal: Counter<'table' | 'user_id' | 'action' | 'from'>;
  markerCountTotal: Counter<'table' | 'from'>;
  markerTableProcessedDurationSeconds: Histogram<'table' | 'status' | 'from'>;
  sweeperChunkDeletedDurationSeconds: Histogram<'status' | 'from'>;
  sweeperMarkerFilesCurrent: Gauge<'from'>;
  sweeperMarkerFileProcessingCurrentTime: Gauge<'from'>;
  sweeperMarkerFilesDeletedTotal: Counter<'from'>;

  deleteRequestsReceivedTotal: Counter<'user'>;
  deleteRequestsProcessedTotal: Counter<'user'>;
  deleteRequestsChunksSelectedTotal: Counter<'user'>;
  deletionFailures: Counter<'cause'>;
  loadPendingRequestsAttemptsTotal: Counter<'status'>;
  oldestPendingDeleteRequestAgeSeconds: Gauge;
  pendingDeleteRequestsCount: Gauge;
  deletedLinesTotal: Counter<'user'>;
}

export function compactorMetrics(registry: Registry): CompactorMetrics {
  const registers = [registry];
  return {
    compactTablesOperationTotal: new Counter({
      name: 'loki_boltdb_shipper_compact_tables_operation_total',
      help: 'Total number of tables compaction done by status',
      labelNames: ['status'],
      registers,
    }),
    compactTablesOperationDurationSeconds: new Gauge({
      name: 'loki_boltdb_shipper_compact_tables_operation_duration_seconds',
      help: 'Time (in seconds) spent in compacting all the tables',
      registers,
    }),
    compactTablesOperationLastSuccess: new Gauge({
      name: 'loki_boltdb_shipper_compact_tables_operation_last_successful_run_timestamp_seconds',
      help: 'Unix timestamp of the last successful compaction run',
      registers,
    }),
    applyRetentionOperationTotal: new Counter({
      name: 'loki_compactor_apply_retention_operation_total',
      help: 'Total number of attempts done to apply retention with status',
      labelNames: ['status'],
      registers,
    }),
    applyRetentionOperationDurationSeconds: new Gauge({
      name: 'loki_compactor_apply_retention_operation_duration_seconds',
      help: 'Time (in seconds) spent in applying retention',
      registers,
    }),
    applyRetentionLastSuccess: new Gauge({
      name: 'loki_compactor_apply_retention_last_successful_run_timestamp_seconds',
      help: 'Unix timestamp of the last successful retention run',
      registers,
    }),
    compactorRunning: new Gauge({
      name: 'loki_boltdb_shipper_compactor_running',
      help: 'Value will be 1 if compactor is currently running on this instance',
      registers,
    }),
    skippedCompactingLockedTables: new Gauge({
      name: 'loki_compactor_locked_table_successive_compaction_skips',
      help: 'Number of times uncompacted tables were consecutively skipped due to them being locked by retention',
      labelNames: ['table_name'],
      registers,
    }),

    markerTableProcessedTotal: new Counter({
      name: 'loki_boltdb_shipper_retention_marker_table_processed_total',
      help: 'Total amount of table processed for each user per action. Empty string for user_id is for common index',
      labelNames: ['table', 'user_id', 'action', 'from'],
      registers,
    }),
    markerCountTotal: new Counter({
      name: 'loki_boltdb_shipper_retention_marker_count_total',
      help: 'Total count of markers created per table.',
      labelNames: ['table', 'from'],
      registers,
    }),
    markerTableProcessedDurationSeconds: new Histogram({
      name: 'loki_boltdb_shipper_retention_marker_table_processed_duration_seconds',
      help: 'Time (in seconds) spent in marking table for chunks to delete',
      labelNames: ['table', 'status', 'from'],
      buckets: [1, 2.5, 5, 10, 20, 40, 90, 360, 600, 1800],
      registers,
    }),
    sweeperChunkDeletedDurationSeconds: new Histogram({
      name: 'loki_boltdb_shipper_retention_sweeper_chunk_deleted_duration_seconds',
      help: 'Time (in seconds) spent in deleting chunk',
      labelNames: ['status', 'from'],
      buckets: [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8],
      registers,
    }),
    sweeperMarkerFilesCurrent: new Gauge({
      name: 'loki_boltdb_shipper_retention_sweeper_marker_files_current',
      help: 'The current total of marker files valid for deletion.',
      labelNames: ['from'],
      registers,
    }),
    sweeperMarkerFileProcessingCurrentTime: new Gauge({
      name: 'loki_boltdb_shipper_retention_sweeper_marker_file_processing_current_time',
      help: 'The current time of creation of the marker file being processed.',
      labelNames: ['from'],
      registers,
    }),
    sweeperMarkerFilesDeletedTotal: new Counter({
      name: 'loki_boltdb_shipper_retention_sweeper_marker_files_deleted_total',
      help: 'The total of marker files deleted after being fully processed.',
      labelNames: ['from'],
      registers,
    }),

    deleteRequestsReceivedTotal: new Counter({
      name: 'loki_compactor_delete_requests_received_total',
      help: 'Number of delete requests received per user',
      labelNames: ['user'],
      registers,
    }),
    deleteRequestsProcessedTotal: new Counter({
      name: 'loki_compactor_delete_requests_processed_total',
      help: 'Number of delete requests processed per user',
      labelNames: ['user'],
      registers,
    }),
    deleteRequestsChunksSelectedTotal: new Counter({
      name: 'loki_compactor_delete_requests_chunks_selected_total',
      help: 'Number of chunks selected while building delete plans per user',
      labelNames: ['user'],
      registers,
    }),
    deletionFailures: new Counter({
      name: 'loki_compactor_delete_processing_fails_total',
      help: 'Number of times the delete phase of compaction has failed',
      labelNames: ['cause'],
      registers,
    }),
    loadPendingRequestsAttemptsTotal: new Counter({
      name: 'loki_compactor_load_pending_requests_attempts_total',
      help: 'Number of attempts that were made to load pending requests with status',
      labelNames: ['status'],
      registers,
    }),
    oldestPendingDeleteRequestAgeSeconds: new Gauge({
      name: 'loki_compactor_oldest_pending_delete_request_age_seconds',
      help: 'Age of oldest pending delete request in seconds since they are over their cancellation period',
      registers,
    }),
    pendingDeleteRequestsCount: new Gauge({
      name: 'loki_compactor_pending_delete_requests_count',
      help: 'Count of delete requests which are over their cancellation period and have not finished processing yet',
      registers,
    }),
    deletedLinesTotal: new Counter({
      name: 'loki_compactor_deleted_lines',
      help: 'Number of deleted lines per user',
      labelNames: ['user'],
      registers,
    }),
  };
}
