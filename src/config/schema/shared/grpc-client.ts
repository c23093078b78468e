// The gRPC client block Loki reuses for every component-to-component client.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, bytes, dur, f, float, int, str } from '../dsl.js';

/** Loki's `grpc_client` block; `p` is the flag prefix of this instance (null: no flags, as in named stores). */
export const grpcClientConfig = (p: string | null) =>
  block('grpcclient.Config', {
    max_recv_msg_size: int(104857600, f(p, 'grpc-max-recv-msg-size')),
    max_send_msg_size: int(104857600, f(p, 'grpc-max-send-msg-size')),
    grpc_compression: str('', f(p, 'grpc-compression')),
    rate_limit: float(0, f(p, 'grpc-client-rate-limit')),
    rate_limit_burst: int(0, f(p, 'grpc-client-rate-limit-burst')),
    backoff_on_ratelimits: bool(false, f(p, 'backoff-on-ratelimits')),
    backoff_config: block('backoff.Config', {
      min_period: dur('100ms', f(p, 'backoff-min-period')),
      max_period: dur('10s', f(p, 'backoff-max-period')),
      max_retries: int(10, f(p, 'backoff-retries')),
    }),
    initial_stream_window_size: bytes('63KiB1023B', f(p, 'initial-stream-window-size')),
    initial_connection_window_size: bytes('63KiB1023B', f(p, 'initial-connection-window-size')),
    tls_enabled: bool(false, f(p, 'tls-enabled')),
    tls_cert_path: str('', f(p, 'tls-cert-path')),
    tls_key_path: str('', f(p, 'tls-key-path')),
    tls_ca_path: str('', f(p, 'tls-ca-path')),
    tls_server_name: str('', f(p, 'tls-server-name')),
    tls_insecure_skip_verify: bool(false, f(p, 'tls-insecure-skip-verify')),
    tls_cipher_suites: str('', f(p, 'tls-cipher-suites')),
    tls_min_version: str('', f(p, 'tls-min-version')),
    connect_timeout: dur('5s', f(p, 'connect-timeout')),
    connect_backoff_base_delay: dur('1s', f(p, 'connect-backoff-base-delay')),
    connect_backoff_max_delay: dur('5s', f(p, 'connect-backoff-max-delay')),
    cluster_validation: block('clusterutil.ClusterValidationConfig', {
      label: str('', f(p, 'cluster-validation.label')),
    }),
  });
