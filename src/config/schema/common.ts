// Loki's `common` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, dur, float, hostname, int, privateNetworkInterfaces, str, strings } from './dsl.js';
import { consulConfig, etcdConfig } from './shared/kv.js';
import {
  alibabaCloudStorageConfig,
  azureStorageConfig,
  bosStorageConfig,
  cosStorageConfig,
  gcsStorageConfig,
  s3StorageConfig,
  swiftStorageConfig,
} from './shared/object-stores.js';
import { thanosObjectStoreConfig } from './shared/thanos-object-store.js';

export const commonBlock = block('common.Config', {
  path_prefix: str('', 'common.path-prefix'),
  storage: block('common.Storage', {
    s3: s3StorageConfig('common.storage'),
    gcs: gcsStorageConfig('common.storage'),
    azure: azureStorageConfig('common.storage'),
    alibabacloud: alibabaCloudStorageConfig('common.storage'),
    bos: bosStorageConfig('common.storage'),
    swift: swiftStorageConfig('common.storage'),
    filesystem: block('common.FilesystemConfig', {
      chunks_directory: str('', 'common.storage.filesystem.chunk-directory'),
      rules_directory: str('', 'common.storage.filesystem.rules-directory'),
    }),
    hedging: block('hedging.Config', {
      at: dur('0s', 'common.storage.hedge-requests-at'),
      up_to: int(2, 'common.storage.hedge-requests-up-to'),
      max_per_second: int(5, 'common.storage.hedge-max-per-second'),
    }),
    cos: cosStorageConfig('common.storage'),
    congestion_control: block('congestion.Config', {
      enabled: bool(false, 'common.storage.congestion-control.enabled'),
      controller: block('congestion.ControllerConfig', {
        strategy: str('', 'common.storage.congestion-control.strategy'),
        aimd: block('congestion.AIMD', {
          start: int(2000, 'common.storage.congestion-control.strategy.aimd.start', { go: 'uint' }),
          upper_bound: int(10000, 'common.storage.congestion-control.strategy.aimd.upper-bound', { go: 'uint' }),
          backoff_factor: float(0.5, 'common.storage.congestion-control.strategy.aimd.backoff-factor'),
        }),
      }),
      retry: block('congestion.RetrierConfig', {
        strategy: str('', 'common.storage.congestion-control.retry.strategy'),
        limit: int(2, 'common.storage.congestion-control.retry.strategy.limited.limit'),
      }),
      hedging: block('congestion.HedgerConfig', {
        config: block('hedging.Config', {
          at: dur('0s'),
          up_to: int(0),
          max_per_second: int(0),
        }),
        strategy: str('', 'common.storage.congestion-control.hedge.strategy'),
      }),
    }),
    object_store: thanosObjectStoreConfig('common.storage.object-store'),
  }),
  persist_tokens: bool(false),
  replication_factor: int(3),
  ring: block('ring.RingConfig', {
    kvstore: block('kv.Config', {
      store: str('consul', 'common.storage.ring.store'),
      prefix: str('collectors/', 'common.storage.ring.prefix'),
      consul: consulConfig('common.storage.ring'),
      etcd: etcdConfig('common.storage.ring'),
      multi: block('kv.MultiConfig', {
        primary: str('', 'common.storage.ring.multi.primary'),
        secondary: str('', 'common.storage.ring.multi.secondary'),
        mirror_enabled: bool(false, 'common.storage.ring.multi.mirror-enabled'),
        mirror_timeout: dur('2s', 'common.storage.ring.multi.mirror-timeout'),
      }),
    }),
    heartbeat_period: dur('15s', 'common.storage.ring.heartbeat-period'),
    heartbeat_timeout: dur('1m', 'common.storage.ring.heartbeat-timeout'),
    tokens_file_path: str('', 'common.storage.ring.tokens-file-path'),
    zone_awareness_enabled: bool(false, 'common.storage.ring.zone-awareness-enabled'),
    num_tokens: int(128, 'common.storage.ring.num-tokens'),
    replication_factor: int(3, 'common.storage.ring.replication-factor'),
    instance_id: str(hostname(), 'common.storage.ring.instance-id'),
    instance_interface_names: strings(privateNetworkInterfaces(), 'common.storage.ring.instance-interface-names'),
    instance_port: int(0, 'common.storage.ring.instance-port'),
    instance_addr: str('', 'common.storage.ring.instance-addr'),
    instance_availability_zone: str('', 'common.storage.ring.instance-availability-zone'),
    instance_enable_ipv6: bool(false, 'common.storage.ring.instance-enable-ipv6'),
  }),
  instance_interface_names: strings(privateNetworkInterfaces()),
  instance_addr: str(''),
  compactor_address: str('', 'common.compactor-address'),
  compactor_grpc_address: str('', 'common.compactor-grpc-address'),
  scratch_path: str('', 'common.scratch-path'),
});
