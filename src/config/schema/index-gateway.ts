// Loki's `index_gateway` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, dur, hostname, int, privateNetworkInterfaces, str, strings } from './dsl.js';
import { consulConfig, etcdConfig } from './shared/kv.js';

export const indexGatewayBlock = block('indexgateway.Config', {
  mode: str('simple', 'index-gateway.mode', { go: 'indexgateway.Mode' }),
  ring: block('ring.RingConfig', {
    kvstore: block('kv.Config', {
      store: str('consul', 'index-gateway.ring.store'),
      prefix: str('collectors/', 'index-gateway.ring.prefix'),
      consul: consulConfig('index-gateway.ring'),
      etcd: etcdConfig('index-gateway.ring'),
      multi: block('kv.MultiConfig', {
        primary: str('', 'index-gateway.ring.multi.primary'),
        secondary: str('', 'index-gateway.ring.multi.secondary'),
        mirror_enabled: bool(false, 'index-gateway.ring.multi.mirror-enabled'),
        mirror_timeout: dur('2s', 'index-gateway.ring.multi.mirror-timeout'),
      }),
    }),
    heartbeat_period: dur('15s', 'index-gateway.ring.heartbeat-period'),
    heartbeat_timeout: dur('1m', 'index-gateway.ring.heartbeat-timeout'),
    tokens_file_path: str('', 'index-gateway.ring.tokens-file-path'),
    zone_awareness_enabled: bool(false, 'index-gateway.ring.zone-awareness-enabled'),
    num_tokens: int(0),
    replication_factor: int(3, 'replication-factor', { deprecated: true }),
    instance_id: str(hostname(), 'index-gateway.ring.instance-id'),
    instance_interface_names: strings(privateNetworkInterfaces(), 'index-gateway.ring.instance-interface-names'),
    instance_port: int(0, 'index-gateway.ring.instance-port'),
    instance_addr: str('', 'index-gateway.ring.instance-addr'),
    instance_availability_zone: str('', 'index-gateway.ring.instance-availability-zone'),
    instance_enable_ipv6: bool(false, 'index-gateway.ring.instance-enable-ipv6'),
  }),
});
