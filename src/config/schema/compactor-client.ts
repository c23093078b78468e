// Loki's `compactor_client` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, str } from './dsl.js';

export const compactorClientBlock = block(
  'client.HTTPConfig',
  {
    tls_enabled: bool(false),
    tls_cert_path: str(''),
    tls_key_path: str(''),
    tls_ca_path: str(''),
    tls_server_name: str(''),
    tls_insecure_skip_verify: bool(false),
    tls_cipher_suites: str(''),
    tls_min_version: str(''),
  },
  { hidden: true },
);
