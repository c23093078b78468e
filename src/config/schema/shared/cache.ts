// The cache block Loki reuses for chunks, index queries, query results and blooms:
// embedded cache, memcached, redis and background write-back.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, bytesize, dur, f, int, secret, str } from '../dsl.js';

/** Loki's `cache_config` block; `p` is the flag prefix of this instance (null: no flags, as in named stores). */
export const cacheConfig = (p: string | null) =>
  block('cache.Config', {
    default_validity: dur('1h', f(p, 'default-validity')),
    background: block('cache.BackgroundConfig', {
      writeback_goroutines: int(1, f(p, 'background.write-back-concurrency')),
      writeback_buffer: int(500000, f(p, 'background.write-back-buffer')),
      writeback_size_limit: bytesize('500MB', f(p, 'background.write-back-size-limit')),
    }),
    memcached: block('cache.MemcachedConfig', {
      expiration: dur('0s', f(p, 'memcached.expiration')),
      batch_size: int(4, f(p, 'memcached.batchsize')),
      parallelism: int(5, f(p, 'memcached.parallelism')),
    }),
    memcached_client: block('cache.MemcachedClientConfig', {
      host: str('', f(p, 'memcached.hostname')),
      service: str('memcached', f(p, 'memcached.service')),
      addresses: str('', f(p, 'memcached.addresses')),
      timeout: dur('100ms', f(p, 'memcached.timeout')),
      max_idle_conns: int(16, f(p, 'memcached.max-idle-conns')),
      max_item_size: int(0, f(p, 'memcached.max-item-size')),
      update_interval: dur('1m', f(p, 'memcached.update-interval')),
      consistent_hash: bool(true, f(p, 'memcached.consistent-hash')),
      circuit_breaker_consecutive_failures: int(10, f(p, 'memcached.circuit-breaker-consecutive-failures'), {
        go: 'uint',
      }),
      circuit_breaker_timeout: dur('10s', f(p, 'memcached.circuit-breaker-timeout')),
      circuit_breaker_interval: dur('10s', f(p, 'memcached.circuit-breaker-interval')),
      tls_enabled: bool(false, f(p, 'memcached.tls-enabled')),
      tls_cert_path: str('', f(p, 'memcached.tls-cert-path')),
      tls_key_path: str('', f(p, 'memcached.tls-key-path')),
      tls_ca_path: str('', f(p, 'memcached.tls-ca-path')),
      tls_server_name: str('', f(p, 'memcached.tls-server-name')),
      tls_insecure_skip_verify: bool(false, f(p, 'memcached.tls-insecure-skip-verify')),
      tls_cipher_suites: str('', f(p, 'memcached.tls-cipher-suites')),
      tls_min_version: str('', f(p, 'memcached.tls-min-version')),
    }),
    redis: block('cache.RedisConfig', {
      endpoint: str('', f(p, 'redis.endpoint')),
      master_name: str('', f(p, 'redis.master-name')),
      timeout: dur('500ms', f(p, 'redis.timeout')),
      expiration: dur('0s', f(p, 'redis.expiration')),
      db: int(0, f(p, 'redis.db')),
      pool_size: int(0, f(p, 'redis.pool-size')),
      username: str('', f(p, 'redis.username')),
      password: secret('', f(p, 'redis.password')),
      tls_enabled: bool(false, f(p, 'redis.tls-enabled')),
      tls_insecure_skip_verify: bool(false, f(p, 'redis.tls-insecure-skip-verify')),
      idle_timeout: dur('0s', f(p, 'redis.idle-timeout')),
      max_connection_age: dur('0s', f(p, 'redis.max-connection-age')),
      route_randomly: bool(false, f(p, 'redis.route-randomly')),
    }),
    embedded_cache: block('cache.EmbeddedCacheConfig', {
      enabled: bool(false, f(p, 'embedded-cache.enabled')),
      max_size_mb: int(100, f(p, 'embedded-cache.max-size-mb'), { go: 'int64' }),
      max_size_items: int(0, f(p, 'embedded-cache.max-size-items')),
      ttl: dur('1h', f(p, 'embedded-cache.ttl')),
    }),
    prefix: str('', undefined, { hidden: true }),
  });
