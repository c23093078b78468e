// Loki's `bloom_compactor` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, dur, hostname, int, privateNetworkInterfaces, str, strings } from './dsl.js';
import { consulConfig, etcdConfig } from './shared/kv.js';

export const bloomCompactorBlock = block(
  'bloomcompactor.Config',
  {
    ring: block('ring.RingConfig', {
      kvstore: block('kv.Config', {
        store: str('consul', 'bloom-compactor.ring.store'),
        prefix: str('collectors/', 'bloom-compactor.ring.prefix'),
        consul: consulConfig('bloom-compactor.ring'),
        etcd: etcdConfig('bloom-compactor.ring'),
        multi: block('kv.MultiConfig', {
          primary: str('', 'bloom-compactor.ring.multi.primary'),
          secondary: str('', 'bloom-compactor.ring.multi.secondary'),
          mirror_enabled: bool(false, 'bloom-compactor.ring.multi.mirror-enabled'),
          mirror_timeout: dur('2s', 'bloom-compactor.ring.multi.mirror-timeout'),
        }),
      }),
      heartbeat_period: dur('15s', 'bloom-compactor.ring.heartbeat-period'),
      heartbeat_timeout: dur('1m', 'bloom-compactor.ring.heartbeat-timeout'),
      tokens_file_path: str('', 'bloom-compactor.ring.tokens-file-path'),
      zone_awareness_enabled: bool(false, 'bloom-compactor.ring.zone-awareness-enabled'),
      num_tokens: int(10, 'bloom-compactor.ring.num-tokens'),
      replication_factor: int(0),
      instance_id: str(hostname(), 'bloom-compactor.ring.instance-id'),
      instance_interface_names: strings(privateNetworkInterfaces(), 'bloom-compactor.ring.instance-interface-names'),
      instance_port: int(0, 'bloom-compactor.ring.instance-port'),
      instance_addr: str('', 'bloom-compactor.ring.instance-addr'),
      instance_availability_zone: str('', 'bloom-compactor.ring.instance-availability-zone'),
      instance_enable_ipv6: bool(false, 'bloom-compactor.ring.instance-enable-ipv6'),
    }),
    enabled: bool(false, 'bloom-compactor.enabled'),
    compaction_interval: dur('10m', 'bloom-compactor.compaction-interval'),
    min_table_offset: int(1, 'bloom-compactor.min-table-offset'),
    max_table_offset: int(2, 'bloom-compactor.max-table-offset'),
    worker_parallelism: int(1, 'bloom-compactor.worker-parallelism'),
    compaction_retries_min_backoff: dur('10s', 'bloom-compactor.compaction-retries-min-backoff'),
    compaction_retries_max_backoff: dur('1m', 'bloom-compactor.compaction-retries-max-backoff'),
    compaction_retries: int(3, 'bloom-compactor.compaction-retries'),
    max_compaction_parallelism: int(1, 'bloom-compactor.max-compaction-parallelism'),
    retention: block('bloomcompactor.RetentionConfig', {
      enabled: bool(false, 'bloom-compactor.retention.enabled'),
      max_lookback_days: int(365, 'bloom-compactor.retention.max-lookback-days'),
    }),
  },
  { removed: true },
);
