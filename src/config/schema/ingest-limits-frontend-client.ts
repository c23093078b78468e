// Loki's `ingest_limits_frontend_client` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, dur } from './dsl.js';
import { grpcClientConfig } from './shared/grpc-client.js';

export const ingestLimitsFrontendClientBlock = block('client.Config', {
  grpc_client_config: grpcClientConfig('ingest-limits-frontend-client'),
  pool_config: block('client.PoolConfig', {
    client_cleanup_period: dur('15s', 'ingest-limits-frontend-client.client-cleanup-period'),
    health_check_ingest_limits: bool(true, 'ingest-limits-frontend-client.health-check-ingest-limits'),
    remote_timeout: dur('1s', 'ingest-limits-frontend-client.remote-timeout'),
  }),
});
