// The TLS client settings Loki reuses.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, f, str } from '../dsl.js';

/** Loki's `tls_config` block; `p` is the flag prefix of this instance (null: no flags, as in named stores). */
export const tlsConfig = (p: string | null) =>
  block('tls.ClientConfig', {
    tls_cert_path: str('', f(p, 'tls-cert-path')),
    tls_key_path: str('', f(p, 'tls-key-path')),
    tls_ca_path: str('', f(p, 'tls-ca-path')),
    tls_server_name: str('', f(p, 'tls-server-name')),
    tls_insecure_skip_verify: bool(false, f(p, 'tls-insecure-skip-verify')),
    tls_cipher_suites: str('', f(p, 'tls-cipher-suites')),
    tls_min_version: str('', f(p, 'tls-min-version')),
  });
