// Loki's `ingest_limits` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, csv, dur, hostname, int, privateNetworkInterfaces, str, strings } from './dsl.js';
import { consulConfig, etcdConfig } from './shared/kv.js';

export const ingestLimitsBlock = block('limits.Config', {
  enabled: bool(false, 'ingest-limits.enabled'),
  active_window: dur('2h', 'ingest-limits.active-window'),
  rate_window: dur('5m', 'ingest-limits.rate-window'),
  bucket_size: dur('1m', 'ingest-limits.bucket-size'),
  eviction_interval: dur('10m', 'ingest-limits.eviction-interval'),
  num_partitions: int(64, 'ingest-limits.num-partitions'),
  lifecycler: block('ring.LifecyclerConfig', {
    ring: block('ring.Config', {
      kvstore: block('kv.Config', {
        store: str('consul', 'ingest-limits.store'),
        prefix: str('collectors/', 'ingest-limits.prefix'),
        consul: consulConfig('ingest-limits'),
        etcd: etcdConfig('ingest-limits'),
        multi: block('kv.MultiConfig', {
          primary: str('', 'ingest-limits.multi.primary'),
          secondary: str('', 'ingest-limits.multi.secondary'),
          mirror_enabled: bool(false, 'ingest-limits.multi.mirror-enabled'),
          mirror_timeout: dur('2s', 'ingest-limits.multi.mirror-timeout'),
        }),
      }),
      heartbeat_timeout: dur('1m', 'ingest-limits.ring.heartbeat-timeout'),
      replication_factor: int(3, 'ingest-limits.distributor.replication-factor'),
      zone_awareness_enabled: bool(false, 'ingest-limits.distributor.zone-awareness-enabled'),
      excluded_zones: csv([], 'ingest-limits.distributor.excluded-zones'),
    }),
    num_tokens: int(128, 'ingest-limits.num-tokens'),
    heartbeat_period: dur('5s', 'ingest-limits.heartbeat-period'),
    heartbeat_timeout: dur('1m', 'ingest-limits.heartbeat-timeout'),
    observe_period: dur('0s', 'ingest-limits.observe-period'),
    join_after: dur('0s', 'ingest-limits.join-after'),
    min_ready_duration: dur('15s', 'ingest-limits.min-ready-duration'),
    interface_names: strings(privateNetworkInterfaces(), 'ingest-limits.lifecycler.interface'),
    enable_inet6: bool(false, 'ingest-limits.enable-inet6'),
    final_sleep: dur('0s', 'ingest-limits.final-sleep'),
    tokens_file_path: str('', 'ingest-limits.tokens-file-path'),
    availability_zone: str('', 'ingest-limits.availability-zone'),
    unregister_on_shutdown: bool(true, 'ingest-limits.unregister-on-shutdown'),
    readiness_check_ring_health: bool(true, 'ingest-limits.readiness-check-ring-health'),
    address: str('', 'ingest-limits.lifecycler.addr'),
    port: int(0, 'ingest-limits.lifecycler.port'),
    id: str(hostname(), 'ingest-limits.lifecycler.ID'),
  }),
  consumer_group: str('ingest-limits', 'ingest-limits.consumer-group'),
  topic: str('', 'ingest-limits.topic'),
});
