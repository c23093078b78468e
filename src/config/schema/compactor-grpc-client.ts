// Loki's `compactor_grpc_client` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, bytes, dur, float, int, str } from './dsl.js';

export const compactorGrpcClientBlock = block('client.GRPCConfig', {
  max_recv_msg_size: int(104857600, 'compactor.grpc-client.grpc-max-recv-msg-size'),
  max_send_msg_size: int(104857600, 'compactor.grpc-client.grpc-max-send-msg-size'),
  grpc_compression: str('', 'compactor.grpc-client.grpc-compression'),
  rate_limit: float(0, 'compactor.grpc-client.grpc-client-rate-limit'),
  rate_limit_burst: int(0, 'compactor.grpc-client.grpc-client-rate-limit-burst'),
  backoff_on_ratelimits: bool(false, 'compactor.grpc-client.backoff-on-ratelimits'),
  backoff_config: block('backoff.Config', {
    min_period: dur('100ms', 'compactor.grpc-client.backoff-min-period'),
    max_period: dur('10s', 'compactor.grpc-client.backoff-max-period'),
    max_retries: int(10, 'compactor.grpc-client.backoff-retries'),
  }),
  initial_stream_window_size: bytes('63KiB1023B', 'compactor.grpc-client.initial-stream-window-size'),
  initial_connection_window_size: bytes('63KiB1023B', 'compactor.grpc-client.initial-connection-window-size'),
  tls_enabled: bool(false, 'compactor.grpc-client.tls-enabled'),
  tls_cert_path: str('', 'compactor.grpc-client.tls-cert-path'),
  tls_key_path: str('', 'compactor.grpc-client.tls-key-path'),
  tls_ca_path: str('', 'compactor.grpc-client.tls-ca-path'),
  tls_server_name: str('', 'compactor.grpc-client.tls-server-name'),
  tls_insecure_skip_verify: bool(false, 'compactor.grpc-client.tls-insecure-skip-verify'),
  tls_cipher_suites: str('', 'compactor.grpc-client.tls-cipher-suites'),
  tls_min_version: str('', 'compactor.grpc-client.tls-min-version'),
  connect_timeout: dur('5s', 'compactor.grpc-client.connect-timeout'),
  connect_backoff_base_delay: dur('1s', 'compactor.grpc-client.connect-backoff-base-delay'),
  connect_backoff_max_delay: dur('5s', 'compactor.grpc-client.connect-backoff-max-delay'),
  cluster_validation: block('clusterutil.ClusterValidationConfig', {
    label: str('', 'compactor.grpc-client.cluster-validation.label'),
  }),
});
