// Loki's `frontend_worker` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, dur, str } from './dsl.js';
import { grpcClientConfig } from './shared/grpc-client.js';

export const frontendWorkerBlock = block('worker.Config', {
  frontend_address: str('', 'querier.frontend-address'),
  scheduler_address: str('', 'querier.scheduler-address'),
  dns_lookup_duration: dur('3s', 'querier.dns-lookup-period'),
  id: str('', 'querier.id'),
  query_frontend_grpc_client: grpcClientConfig('querier.frontend-grpc-client'),
  grpc_client_config: grpcClientConfig('querier.frontend-client'),
  query_scheduler_grpc_client: grpcClientConfig('querier.scheduler-grpc-client'),
});
