// Loki's `compactor` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, dur, hostname, int, privateNetworkInterfaces, str, strings } from './dsl.js';
import { consulConfig, etcdConfig } from './shared/kv.js';

export const compactorBlock = block('compactor.Config', {
  working_directory: str('/var/loki/compactor', 'compactor.working-directory'),
  compaction_interval: dur('10m', 'compactor.compaction-interval'),
  apply_retention_interval: dur('0s', 'compactor.apply-retention-interval'),
  retention_enabled: bool(false, 'compactor.retention-enabled'),
  retention_delete_delay: dur('2h', 'compactor.retention-delete-delay'),
  retention_delete_worker_count: int(150, 'compactor.retention-delete-worker-count'),
  retention_table_timeout: dur('0s', 'compactor.retention-table-timeout'),
  retention_backoff_config: block('backoff.Config', {
    min_period: dur('100ms', 'compactor.retention-backoff-config.backoff-min-period'),
    max_period: dur('10s', 'compactor.retention-backoff-config.backoff-max-period'),
    max_retries: int(10, 'compactor.retention-backoff-config.backoff-retries'),
  }),
  delete_request_store: str('', 'compactor.delete-request-store'),
  delete_request_store_key_prefix: str('index/', 'compactor.delete-request-store.key-prefix'),
  delete_request_store_db_type: str('boltdb', 'compactor.delete-request-store.db-type'),
  backup_delete_request_store_db_type: str('', 'compactor.delete-request-store.backup-db-type'),
  delete_batch_size: int(70, 'compactor.delete-batch-size'),
  delete_request_cancel_period: dur('24h', 'compactor.delete-request-cancel-period'),
  delete_max_interval: dur('24h', 'compactor.delete-max-interval'),
  max_compaction_parallelism: int(1, 'compactor.max-compaction-parallelism'),
  upload_parallelism: int(10, 'compactor.upload-parallelism'),
  compactor_ring: block('ring.RingConfig', {
    kvstore: block('kv.Config', {
      store: str('consul', 'compactor.ring.store'),
      prefix: str('collectors/', 'compactor.ring.prefix'),
      consul: consulConfig('compactor.ring'),
      etcd: etcdConfig('compactor.ring'),
      multi: block('kv.MultiConfig', {
        primary: str('', 'compactor.ring.multi.primary'),
        secondary: str('', 'compactor.ring.multi.secondary'),
        mirror_enabled: bool(false, 'compactor.ring.multi.mirror-enabled'),
        mirror_timeout: dur('2s', 'compactor.ring.multi.mirror-timeout'),
      }),
    }),
    heartbeat_period: dur('15s', 'compactor.ring.heartbeat-period'),
    heartbeat_timeout: dur('1m', 'compactor.ring.heartbeat-timeout'),
    tokens_file_path: str('', 'compactor.ring.tokens-file-path'),
    zone_awareness_enabled: bool(false, 'compactor.ring.zone-awareness-enabled'),
    num_tokens: int(0),
    replication_factor: int(0),
    instance_id: str(hostname(), 'compactor.ring.instance-id'),
    instance_interface_names: strings(privateNetworkInterfaces(), 'compactor.ring.instance-interface-names'),
    instance_port: int(0, 'compactor.ring.instance-port'),
    instance_addr: str('', 'compactor.ring.instance-addr'),
    instance_availability_zone: str('', 'compactor.ring.instance-availability-zone'),
    instance_enable_ipv6: bool(false, 'compactor.ring.instance-enable-ipv6'),
  }),
  _: bool(false, undefined, { hidden: true }),
  tables_to_compact: int(0, 'compactor.tables-to-compact'),
  skip_latest_n_tables: int(0, 'compactor.skip-latest-n-tables'),
  horizontal_scaling_mode: str('disabled', 'compactor.horizontal-scaling-mode'),
  worker_config: block('jobqueue.WorkerConfig', {
    num_sub_workers: int(4, 'compactor.worker.num-sub-workers'),
  }),
  jobs_config: block('compactor.JobsConfig', {
    deletion: block('compactor.DeletionJobsConfig', {
      deletion_manifest_store_prefix: str(
        '__deletion_manifest__/',
        'compactor.jobs.deletion.deletion-manifest-store-prefix',
      ),
      chunk_processing_concurrency: int(3, 'compactor.jobs.deletion.chunk-processing-concurrency'),
      timeout: dur('15m', 'compactor.jobs.deletion.timeout'),
      max_retries: int(3, 'compactor.jobs.deletion.max-retries'),
    }),
  }),
  deletion_marker_object_store_prefix: str('', 'compactor.deletion-marker-object-store-prefix'),
});
