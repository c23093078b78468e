// Loki's `ui` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, dur, hostname, int, privateNetworkInterfaces, str, strings } from './dsl.js';
import { consulConfig, etcdConfig } from './shared/kv.js';
import { thanosObjectStoreConfig } from './shared/thanos-object-store.js';

export const uiBlock = block('ui.Config', {
  enabled: bool(false, 'ui.enabled'),
  debug: bool(false, 'ui.debug'),
  goldfish: block('ui.GoldfishConfig', {
    enable: bool(false, 'ui.goldfish.enable'),
    storage: block('ui.StorageConfig', {
      type: str('', 'ui.goldfish.storage.type'),
      cloudsql_host: str('127.0.0.1', 'ui.goldfish.storage.cloudsql.host'),
      cloudsql_port: int(3306, 'ui.goldfish.storage.cloudsql.port'),
      cloudsql_database: str('goldfish', 'ui.goldfish.storage.cloudsql.database'),
      cloudsql_user: str('', 'ui.goldfish.storage.cloudsql.user'),
      rds_endpoint: str('', 'ui.goldfish.storage.rds.endpoint'),
      rds_database: str('', 'ui.goldfish.storage.rds.database'),
      rds_user: str('', 'ui.goldfish.storage.rds.user'),
      max_connections: int(10, 'ui.goldfish.max-connections'),
      max_idle_time_seconds: int(300, 'ui.goldfish.max-idle-time'),
    }),
    grafana_url: str('', 'ui.goldfish.grafana-url'),
    traces_datasource_uid: str('', 'ui.goldfish.traces-datasource-uid'),
    logs_datasource_uid: str('', 'ui.goldfish.logs-datasource-uid'),
    cell_a_namespace: str('', 'ui.goldfish.cell-a-namespace'),
    cell_b_namespace: str('', 'ui.goldfish.cell-b-namespace'),
    results_backend: str('', 'ui.goldfish.results-backend'),
    results_bucket: thanosObjectStoreConfig('ui.goldfish.results'),
  }),
  ring: block('ring.RingConfig', {
    kvstore: block('kv.Config', {
      store: str('consul', 'ui.ring.store'),
      prefix: str('collectors/', 'ui.ring.prefix'),
      consul: consulConfig('ui.ring'),
      etcd: etcdConfig('ui.ring'),
      multi: block('kv.MultiConfig', {
        primary: str('', 'ui.ring.multi.primary'),
        secondary: str('', 'ui.ring.multi.secondary'),
        mirror_enabled: bool(false, 'ui.ring.multi.mirror-enabled'),
        mirror_timeout: dur('2s', 'ui.ring.multi.mirror-timeout'),
      }),
    }),
    heartbeat_period: dur('15s', 'ui.ring.heartbeat-period'),
    heartbeat_timeout: dur('1m', 'ui.ring.heartbeat-timeout'),
    tokens_file_path: str('', 'ui.ring.tokens-file-path'),
    zone_awareness_enabled: bool(false, 'ui.ring.zone-awareness-enabled'),
    num_tokens: int(128, 'ui.ring.num-tokens'),
    replication_factor: int(3, 'ui.ring.replication-factor'),
    instance_id: str(hostname(), 'ui.ring.instance-id'),
    instance_interface_names: strings(privateNetworkInterfaces(), 'ui.ring.instance-interface-names'),
    instance_port: int(0, 'ui.ring.instance-port'),
    instance_addr: str('', 'ui.ring.instance-addr'),
    instance_availability_zone: str('', 'ui.ring.instance-availability-zone'),
    instance_enable_ipv6: bool(false, 'ui.ring.instance-enable-ipv6'),
  }),
});
