// Loki's `distributor` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { DEFAULT_INDEX_LABEL_ATTRIBUTES } from '../../distributor/otlp/default-index-labels.js';
import { block, bool, bytesize, dur, hostname, int, list, map, privateNetworkInterfaces, str, strings } from './dsl.js';
import { consulConfig, etcdConfig } from './shared/kv.js';

export const distributorBlock = block('distributor.Config', {
  ring: block('distributor.RingConfig', {
    kvstore: block('kv.Config', {
      store: str('consul', 'distributor.ring.store'),
      prefix: str('collectors/', 'distributor.ring.prefix'),
      consul: consulConfig('distributor.ring'),
      etcd: etcdConfig('distributor.ring'),
      multi: block('kv.MultiConfig', {
        primary: str('', 'distributor.ring.multi.primary'),
        secondary: str('', 'distributor.ring.multi.secondary'),
        mirror_enabled: bool(false, 'distributor.ring.multi.mirror-enabled'),
        mirror_timeout: dur('2s', 'distributor.ring.multi.mirror-timeout'),
      }),
    }),
    heartbeat_period: dur('5s', 'distributor.ring.heartbeat-period'),
    heartbeat_timeout: dur('1m', 'distributor.ring.heartbeat-timeout'),
    instance_id: str(hostname(), 'distributor.ring.instance-id', { hidden: true }),
    instance_interface_names: strings(privateNetworkInterfaces(), 'distributor.ring.instance-interface-names'),
    instance_port: int(0, 'distributor.ring.instance-port', { hidden: true }),
    instance_addr: str('', 'distributor.ring.instance-addr', { hidden: true }),
    instance_enable_ipv6: bool(false, 'distributor.ring.instance-enable-ipv6', { hidden: true }),
  }),
  push_worker_count: int(256, 'distributor.push-worker-count'),
  max_recv_msg_size: int(104857600, 'distributor.max-recv-msg-size'),
  max_decompressed_size: int(5242880000, 'distributor.max-decompressed-size', { go: 'int64' }),
  rate_store: block('distributor.RateStoreConfig', {
    max_request_parallelism: int(200, 'distributor.rate-store.max-request-parallelism'),
    stream_rate_update_interval: dur('1s', 'distributor.rate-store.stream-rate-update-interval'),
    ingester_request_timeout: dur('500ms', 'distributor.rate-store.ingester-request-timeout'),
    debug: bool(false, 'distributor.rate-store.debug'),
  }),
  write_failures_logging: block('writefailures.Cfg', {
    rate: bytesize('1KB', 'distributor.write-failures-logging.rate'),
    add_insights_label: bool(false, 'distributor.write-failures-logging.add-insights-label'),
  }),
  otlp_config: block('push.GlobalOTLPConfig', {
    default_resource_attributes_as_index_labels: strings(
      [...DEFAULT_INDEX_LABEL_ATTRIBUTES],
      'distributor.otlp.default_resource_attributes_as_index_labels',
    ),
  }),
  default_policy_stream_mappings: map(
    list(
      block('validation.PriorityStream', {
        priority: int(0),
        selector: str(''),
      }),
    ),
  ),
  kafka_writes_enabled: bool(false, 'distributor.kafka-writes-enabled'),
  ingester_writes_enabled: bool(true, 'distributor.ingester-writes-enabled'),
  ingest_limits_enabled: bool(false, 'distributor.ingest-limits-enabled'),
  ingest_limits_dry_run_enabled: bool(false, 'distributor.ingest-limits-dry-run-enabled'),
  dataobj_tee: block('distributor.DataObjTeeConfig', {
    enabled: bool(false, 'distributor.dataobj-tee.enabled'),
    topic: str('', 'distributor.dataobj-tee.topic'),
    max_buffered_bytes: int(104857600, 'distributor.dataobj-tee.max-buffered-bytes'),
    per_partition_rate_bytes: int(1048576, 'distributor.dataobj-tee.per-partition-rate-bytes'),
    debug_metrics_enabled: bool(false, 'distributor.dataobj-tee.debug-metrics-enabled'),
    rate_batch_window: dur('0s', 'distributor.dataobj-tee.rate-batch-window'),
  }),
});
