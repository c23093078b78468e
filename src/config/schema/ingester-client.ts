// Loki's `ingester_client` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, dur } from './dsl.js';
import { grpcClientConfig } from './shared/grpc-client.js';

export const ingesterClientBlock = block('client.Config', {
  pool_config: block('clientpool.PoolConfig', {
    client_cleanup_period: dur('15s', 'distributor.client-cleanup-period'),
    health_check_ingesters: bool(true, 'distributor.health-check-ingesters'),
    remote_timeout: dur('1s', 'ingester.client.healthcheck-timeout'),
  }),
  remote_timeout: dur('5s', 'ingester.client.timeout'),
  grpc_client_config: grpcClientConfig('ingester.client'),
});
