// The consul and etcd key-value store blocks every ring can use.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, dur, f, float, int, secret, str, strings } from '../dsl.js';

/** Loki's `consul` block; `p` is the flag prefix of this instance (null: no flags, as in named stores). */
export const consulConfig = (p: string | null) =>
  block('consul.Config', {
    host: str('localhost:8500', f(p, 'consul.hostname')),
    acl_token: secret('', f(p, 'consul.acl-token')),
    http_client_timeout: dur('20s', f(p, 'consul.client-timeout')),
    consistent_reads: bool(false, f(p, 'consul.consistent-reads')),
    watch_rate_limit: float(1, f(p, 'consul.watch-rate-limit')),
    watch_burst_size: int(1, f(p, 'consul.watch-burst-size')),
    cas_retry_delay: dur('1s', f(p, 'consul.cas-retry-delay')),
  });

/** Loki's `etcd` block; `p` is the flag prefix of this instance (null: no flags, as in named stores). */
export const etcdConfig = (p: string | null) =>
  block('etcd.Config', {
    endpoints: strings([], f(p, 'etcd.endpoints')),
    dial_timeout: dur('10s', f(p, 'etcd.dial-timeout')),
    max_retries: int(10, f(p, 'etcd.max-retries')),
    tls_enabled: bool(false, f(p, 'etcd.tls-enabled')),
    tls_cert_path: str('', f(p, 'etcd.tls-cert-path')),
    tls_key_path: str('', f(p, 'etcd.tls-key-path')),
    tls_ca_path: str('', f(p, 'etcd.tls-ca-path')),
    tls_server_name: str('', f(p, 'etcd.tls-server-name')),
    tls_insecure_skip_verify: bool(false, f(p, 'etcd.tls-insecure-skip-verify')),
    tls_cipher_suites: str('', f(p, 'etcd.tls-cipher-suites')),
    tls_min_version: str('', f(p, 'etcd.tls-min-version')),
    username: str('', f(p, 'etcd.username')),
    password: secret('', f(p, 'etcd.password')),
  });
