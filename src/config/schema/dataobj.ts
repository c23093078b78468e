// Loki's `dataobj` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, bytes, csv, dur, hostname, int, privateNetworkInterfaces, str, strings } from './dsl.js';
import { consulConfig, etcdConfig } from './shared/kv.js';

export const dataobjBlock = block('config.Config', {
  consumer: block('consumer.Config', {
    builderconfig: block('logsobj.BuilderConfig', {
      target_page_size: bytes('2MiB', 'dataobj-consumer.target-page-size'),
      max_page_rows: int(0, 'dataobj-consumer.max-page-rows'),
      target_object_size: bytes('1GiB', 'dataobj-consumer.target-builder-memory-limit'),
      target_section_size: bytes('128MiB', 'dataobj-consumer.target-section-size'),
      buffer_size: bytes('16MiB', 'dataobj-consumer.buffer-size'),
      section_stripe_merge_limit: int(2, 'dataobj-consumer.section-stripe-merge-limit'),
      dataobj_sort_order: str('', undefined, { hidden: true }),
    }),
    lifecycler: block('ring.LifecyclerConfig', {
      ring: block('ring.Config', {
        kvstore: block('kv.Config', {
          store: str('consul', 'dataobj-consumer.store'),
          prefix: str('collectors/', 'dataobj-consumer.prefix'),
          consul: consulConfig('dataobj-consumer'),
          etcd: etcdConfig('dataobj-consumer'),
          multi: block('kv.MultiConfig', {
            primary: str('', 'dataobj-consumer.multi.primary'),
            secondary: str('', 'dataobj-consumer.multi.secondary'),
            mirror_enabled: bool(false, 'dataobj-consumer.multi.mirror-enabled'),
            mirror_timeout: dur('2s', 'dataobj-consumer.multi.mirror-timeout'),
          }),
        }),
        heartbeat_timeout: dur('1m', 'dataobj-consumer.ring.heartbeat-timeout'),
        replication_factor: int(3, 'dataobj-consumer.distributor.replication-factor'),
        zone_awareness_enabled: bool(false, 'dataobj-consumer.distributor.zone-awareness-enabled'),
        excluded_zones: csv([], 'dataobj-consumer.distributor.excluded-zones'),
      }),
      num_tokens: int(128, 'dataobj-consumer.num-tokens'),
      heartbeat_period: dur('5s', 'dataobj-consumer.heartbeat-period'),
      heartbeat_timeout: dur('1m', 'dataobj-consumer.heartbeat-timeout'),
      observe_period: dur('0s', 'dataobj-consumer.observe-period'),
      join_after: dur('0s', 'dataobj-consumer.join-after'),
      min_ready_duration: dur('15s', 'dataobj-consumer.min-ready-duration'),
      interface_names: strings(privateNetworkInterfaces(), 'dataobj-consumer.lifecycler.interface'),
      enable_inet6: bool(false, 'dataobj-consumer.enable-inet6'),
      final_sleep: dur('0s', 'dataobj-consumer.final-sleep'),
      tokens_file_path: str('', 'dataobj-consumer.tokens-file-path'),
      availability_zone: str('', 'dataobj-consumer.availability-zone'),
      unregister_on_shutdown: bool(true, 'dataobj-consumer.unregister-on-shutdown'),
      readiness_check_ring_health: bool(true, 'dataobj-consumer.readiness-check-ring-health'),
      address: str('', 'dataobj-consumer.lifecycler.addr'),
      port: int(0, 'dataobj-consumer.lifecycler.port'),
      id: str(hostname(), 'dataobj-consumer.lifecycler.ID'),
    }),
    partition_ring: block('partitionring.Config', {
      kvstore: block('kv.Config', {
        store: str('memberlist', 'dataobj-consumer.partition-ring.store'),
        prefix: str('collectors/', 'dataobj-consumer.partition-ring.prefix'),
        consul: consulConfig('dataobj-consumer.partition-ring'),
        etcd: etcdConfig('dataobj-consumer.partition-ring'),
        multi: block('kv.MultiConfig', {
          primary: str('', 'dataobj-consumer.partition-ring.multi.primary'),
          secondary: str('', 'dataobj-consumer.partition-ring.multi.secondary'),
          mirror_enabled: bool(false, 'dataobj-consumer.partition-ring.multi.mirror-enabled'),
          mirror_timeout: dur('2s', 'dataobj-consumer.partition-ring.multi.mirror-timeout'),
        }),
      }),
      min_partition_owners_count: int(1, 'dataobj-consumer.partition-ring.min-partition-owners-count'),
      min_partition_owners_duration: dur('10s', 'dataobj-consumer.partition-ring.min-partition-owners-duration'),
      delete_inactive_partition_after: dur('13h', 'dataobj-consumer.partition-ring.delete-inactive-partition-after'),
      shuffle_shard_cache_size: int(0, 'dataobj-consumer.partition-ring.shuffle-shard-cache-size'),
    }),
    uploader: block('uploader.Config', {
      shaprefixsize: int(2, 'dataobj-consumer.sha-prefix-size'),
    }),
    idle_flush_timeout: dur('1h', 'dataobj-consumer.idle-flush-timeout'),
    max_builder_age: dur('1h', 'dataobj-consumer.max-builder-age'),
    topic: str('', 'dataobj-consumer.topic'),
  }),
  index: block('index.Config', {
    target_page_size: bytes('128KiB', 'dataobj-index-builder.target-page-size'),
    max_page_rows: int(0, 'dataobj-index-builder.max-page-rows'),
    target_object_size: bytes('64MiB', 'dataobj-index-builder.target-builder-memory-limit'),
    target_section_size: bytes('16MiB', 'dataobj-index-builder.target-section-size'),
    buffer_size: bytes('2MiB', 'dataobj-index-builder.buffer-size'),
    section_stripe_merge_limit: int(2, 'dataobj-index-builder.section-stripe-merge-limit'),
    events_per_index: int(32, 'dataobj-index-builder.events-per-index'),
    flush_interval: dur('1m', 'dataobj-index-builder.flush-interval'),
    max_idle_time: dur('30m', 'dataobj-index-builder.max-idle-time'),
  }),
  metastore: block('metastore.Config', {
    index_storage_prefix: str('index/v0', 'dataobj-metastore.index-storage-prefix'),
    partition_ratio: int(10, 'dataobj-metastore.partition-ratio'),
  }),
  storage_bucket_prefix: str('dataobj/', 'dataobj-storage-bucket-prefix'),
  enabled: bool(false, 'dataobj.enabled'),
});
