// Loki's `frontend` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, csv, dur, int, privateNetworkInterfaces, str, strings } from './dsl.js';
import { grpcClientConfig } from './shared/grpc-client.js';
import { tlsConfig } from './shared/tls.js';

export const frontendBlock = block('lokifrontend.Config', {
  log_queries_longer_than: dur('0s', 'frontend.log-queries-longer-than'),
  log_query_request_headers: csv([], 'frontend.log-query-request-headers'),
  max_body_size: int(10485760, 'frontend.max-body-size', { go: 'int64' }),
  query_stats_enabled: bool(false, 'frontend.query-stats-enabled'),
  max_outstanding_per_tenant: int(2048, 'querier.max-outstanding-requests-per-tenant'),
  querier_forget_delay: dur('0s', 'query-frontend.querier-forget-delay'),
  scheduler_address: str('', 'frontend.scheduler-address'),
  scheduler_dns_lookup_period: dur('10s', 'frontend.scheduler-dns-lookup-period'),
  scheduler_worker_concurrency: int(5, 'frontend.scheduler-worker-concurrency'),
  grpc_client_config: grpcClientConfig('frontend.grpc-client-config'),
  graceful_shutdown_timeout: dur('5m', 'frontend.graceful-shutdown-timeout'),
  instance_interface_names: strings(privateNetworkInterfaces(), 'frontend.instance-interface-names'),
  instance_enable_ipv6: bool(false, 'frontend.instance-enable-ipv6'),
  address: str('', 'frontend.instance-addr', { hidden: true }),
  port: int(0, 'frontend.instance-port', { hidden: true }),
  encoding: str('json', 'frontend.encoding'),
  compress_responses: bool(true, 'querier.compress-http-responses'),
  downstream_url: str('', 'frontend.downstream-url'),
  tail_proxy_url: str('', 'frontend.tail-proxy-url'),
  tail_tls_config: tlsConfig('frontend.tail-tls-config'),
  support_parquet_encoding: bool(false),
});
