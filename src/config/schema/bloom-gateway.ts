// Loki's `bloom_gateway` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, dur, int, str } from './dsl.js';
import { cacheConfig } from './shared/cache.js';
import { grpcClientConfig } from './shared/grpc-client.js';

export const bloomGatewayBlock = block('bloomgateway.Config', {
  enabled: bool(false, 'bloom-gateway.enabled'),
  client: block('bloomgateway.ClientConfig', {
    pool_config: block('bloomgateway.PoolConfig', {
      check_interval: dur('15s', 'bloom-gateway-client.pool.check-interval'),
      enable_health_check: bool(true, 'bloom-gateway-client.pool.enable-health-check', { removed: true }),
      health_check_timeout: dur('1s', 'bloom-gateway-client.pool.health-check-timeout', { removed: true }),
    }),
    grpc_client_config: grpcClientConfig('bloom-gateway-client.grpc'),
    addresses: str('', 'bloom-gateway-client.addresses'),
    results_cache: block(
      'bloomgateway.CacheConfig',
      {
        cache: cacheConfig('bloom-gateway-client.cache'),
        compression: str('', 'bloom-gateway-client.cache.compression'),
      },
      { removed: true },
    ),
    cache_results: bool(false, 'bloom-gateway-client.cache_results', { removed: true }),
  }),
  worker_concurrency: int(4, 'bloom-gateway.worker-concurrency'),
  block_query_concurrency: int(8, 'bloom-gateway.block-query-concurrency'),
  max_outstanding_per_tenant: int(1024, 'bloom-gateway.max-outstanding-per-tenant'),
  num_multiplex_tasks: int(512, 'bloom-gateway.num-multiplex-tasks'),
  fetch_blocks_async: bool(false, undefined, { hidden: true }),
});
