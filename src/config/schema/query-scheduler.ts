// Loki's `query_scheduler` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, dur, hostname, int, privateNetworkInterfaces, str, strings } from './dsl.js';
import { grpcClientConfig } from './shared/grpc-client.js';
import { consulConfig, etcdConfig } from './shared/kv.js';

export const querySchedulerBlock = block('scheduler.Config', {
  max_outstanding_requests_per_tenant: int(32000, 'query-scheduler.max-outstanding-requests-per-tenant'),
  max_queue_hierarchy_levels: int(3, 'query-scheduler.max-queue-hierarchy-levels'),
  querier_forget_delay: dur('0s', 'query-scheduler.querier-forget-delay'),
  grpc_client_config: grpcClientConfig('query-scheduler.grpc-client-config'),
  use_scheduler_ring: bool(false, 'query-scheduler.use-scheduler-ring'),
  scheduler_ring: block('ring.RingConfig', {
    kvstore: block('kv.Config', {
      store: str('consul', 'query-scheduler.ring.store'),
      prefix: str('collectors/', 'query-scheduler.ring.prefix'),
      consul: consulConfig('query-scheduler.ring'),
      etcd: etcdConfig('query-scheduler.ring'),
      multi: block('kv.MultiConfig', {
        primary: str('', 'query-scheduler.ring.multi.primary'),
        secondary: str('', 'query-scheduler.ring.multi.secondary'),
        mirror_enabled: bool(false, 'query-scheduler.ring.multi.mirror-enabled'),
        mirror_timeout: dur('2s', 'query-scheduler.ring.multi.mirror-timeout'),
      }),
    }),
    heartbeat_period: dur('15s', 'query-scheduler.ring.heartbeat-period'),
    heartbeat_timeout: dur('1m', 'query-scheduler.ring.heartbeat-timeout'),
    tokens_file_path: str('', 'query-scheduler.ring.tokens-file-path'),
    zone_awareness_enabled: bool(false, 'query-scheduler.ring.zone-awareness-enabled'),
    num_tokens: int(0),
    replication_factor: int(0),
    instance_id: str(hostname(), 'query-scheduler.ring.instance-id'),
    instance_interface_names: strings(privateNetworkInterfaces(), 'query-scheduler.ring.instance-interface-names'),
    instance_port: int(0, 'query-scheduler.ring.instance-port'),
    instance_addr: str('', 'query-scheduler.ring.instance-addr'),
    instance_availability_zone: str('', 'query-scheduler.ring.instance-availability-zone'),
    instance_enable_ipv6: bool(false, 'query-scheduler.ring.instance-enable-ipv6'),
  }),
});
