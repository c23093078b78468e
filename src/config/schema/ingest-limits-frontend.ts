// Loki's `ingest_limits_frontend` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, csv, dur, hostname, int, privateNetworkInterfaces, str, strings } from './dsl.js';
import { grpcClientConfig } from './shared/grpc-client.js';
import { consulConfig, etcdConfig } from './shared/kv.js';

export const ingestLimitsFrontendBlock = block('frontend.Config', {
  client_config: block('client.Config', {
    grpc_client_config: grpcClientConfig('ingest-limits-frontend.limits-client'),
    pool_config: block('client.PoolConfig', {
      client_cleanup_period: dur('15s', 'ingest-limits-frontend.client-cleanup-period'),
      health_check_ingest_limits: bool(true, 'ingest-limits-frontend.health-check-ingest-limits'),
      remote_timeout: dur('1s', 'ingest-limits-frontend.remote-timeout'),
    }),
  }),
  lifecycler: block('ring.LifecyclerConfig', {
    ring: block('ring.Config', {
      kvstore: block('kv.Config', {
        store: str('consul', 'ingest-limits-frontend.store'),
        prefix: str('collectors/', 'ingest-limits-frontend.prefix'),
        consul: consulConfig('ingest-limits-frontend'),
        etcd: etcdConfig('ingest-limits-frontend'),
        multi: block('kv.MultiConfig', {
          primary: str('', 'ingest-limits-frontend.multi.primary'),
          secondary: str('', 'ingest-limits-frontend.multi.secondary'),
          mirror_enabled: bool(false, 'ingest-limits-frontend.multi.mirror-enabled'),
          mirror_timeout: dur('2s', 'ingest-limits-frontend.multi.mirror-timeout'),
        }),
      }),
      heartbeat_timeout: dur('1m', 'ingest-limits-frontend.ring.heartbeat-timeout'),
      replication_factor: int(3, 'ingest-limits-frontend.distributor.replication-factor'),
      zone_awareness_enabled: bool(false, 'ingest-limits-frontend.distributor.zone-awareness-enabled'),
      excluded_zones: csv([], 'ingest-limits-frontend.distributor.excluded-zones'),
    }),
    num_tokens: int(128, 'ingest-limits-frontend.num-tokens'),
    heartbeat_period: dur('5s', 'ingest-limits-frontend.heartbeat-period'),
    heartbeat_timeout: dur('1m', 'ingest-limits-frontend.heartbeat-timeout'),
    observe_period: dur('0s', 'ingest-limits-frontend.observe-period'),
    join_after: dur('0s', 'ingest-limits-frontend.join-after'),
    min_ready_duration: dur('15s', 'ingest-limits-frontend.min-ready-duration'),
    interface_names: strings(privateNetworkInterfaces(), 'ingest-limits-frontend.lifecycler.interface'),
    enable_inet6: bool(false, 'ingest-limits-frontend.enable-inet6'),
    final_sleep: dur('0s', 'ingest-limits-frontend.final-sleep'),
    tokens_file_path: str('', 'ingest-limits-frontend.tokens-file-path'),
    availability_zone: str('', 'ingest-limits-frontend.availability-zone'),
    unregister_on_shutdown: bool(true, 'ingest-limits-frontend.unregister-on-shutdown'),
    readiness_check_ring_health: bool(true, 'ingest-limits-frontend.readiness-check-ring-health'),
    address: str('', 'ingest-limits-frontend.lifecycler.addr'),
    port: int(0, 'ingest-limits-frontend.lifecycler.port'),
    id: str(hostname(), 'ingest-limits-frontend.lifecycler.ID'),
  }),
  num_partitions: int(64, 'ingest-limits-frontend.num-partitions'),
  assigned_partitions_cache_enabled: bool(true, 'ingest-limits-frontend.assigned-partitions-cache-enabled'),
  assigned_partitions_cache_ttl: dur('1m', 'ingest-limits-frontend.assigned-partitions-cache-ttl'),
  accepted_streams_cache_enabled: bool(false, 'ingest-limits-frontend.accepted-streams-cache-enabled'),
  accepted_streams_cache_ttl: dur('1m', 'ingest-limits-frontend.accepted-streams-cache-ttl'),
  accepted_streams_cache_ttl_jitter: dur('15s', 'ingest-limits-frontend.accepted-streams-cache-ttl-jitter'),
});
