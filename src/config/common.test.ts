import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activePeriodIndex, applyDerivedDefaults, DerivedConfigError, isCacheConfigured } from './common.js';
import { defaultValue } from './schema/defaults.js';
import { configBlock } from './schema/root.js';
import type { SkaldConfig } from './types.js';

function derive(edit: (cfg: SkaldConfig) => void): SkaldConfig {
  const cfg = defaultValue(configBlock);
  edit(cfg);
  applyDerivedDefaults(cfg, defaultValue(configBlock));
  return cfg;
}

test('common.instance_addr is advertised by the rings, the frontend and memberlist', () => {
  const cfg = derive((c) => {
    c.common.instance_addr = '10.0.0.7';
  });
  assert.equal(cfg.common.ring.instance_addr, '10.0.0.7');
  assert.equal(cfg.distributor.ring.instance_addr, '10.0.0.7');
  assert.equal(cfg.ingester.lifecycler.address, '10.0.0.7');
  assert.equal(cfg.frontend.address, '10.0.0.7');
  assert.equal(cfg.memberlist.advertise_addr, '10.0.0.7');
});

test('without common.ring or memberlist, rings left at their defaults copy the ingester ring', () => {
  const cfg = derive((c) => {
    c.ingester.lifecycler.ring.kvstore.store = 'etcd';
    c.compactor.compactor_ring.heartbeat_period = 1000;
  });
  assert.equal(cfg.distributor.ring.kvstore.store, 'etcd');
  assert.equal(cfg.ruler.ring.kvstore.store, 'etcd');
  // A ring the operator touched keeps its own store.
  assert.equal(cfg.compactor.compactor_ring.kvstore.store, 'consul');
});

test('common.ring is merged into every ring, including the ingester', () => {
  const cfg = derive((c) => {
    c.common.ring.kvstore.store = 'inmemory';
    c.common.ring.heartbeat_timeout = 5000;
  });
  for (const store of [
    cfg.ingester.lifecycler.ring.kvstore.store,
    cfg.distributor.ring.kvstore.store,
    cfg.compactor.compactor_ring.kvstore.store,
    cfg.index_gateway.ring.kvstore.store,
    cfg.query_scheduler.scheduler_ring.kvstore.store,
  ]) {
    assert.equal(store, 'inmemory');
  }
  assert.equal(cfg.ingester.lifecycler.ring.heartbeat_timeout, 5000);
});

test('common.replication_factor reaches the ingester ring and the index gateway ring', () => {
  const cfg = derive((c) => {
    c.common.replication_factor = 2;
  });
  assert.equal(cfg.ingester.lifecycler.ring.replication_factor, 2);
  assert.equal(cfg.index_gateway.ring.replication_factor, 2);
});

test('persist_tokens puts token files under the path prefix', () => {
  const cfg = derive((c) => {
    c.common.persist_tokens = true;
    c.common.path_prefix = '/loki';
  });
  assert.equal(cfg.ingester.lifecycler.tokens_file_path, '/loki/ingester.tokens');
  assert.equal(cfg.compactor.compactor_ring.tokens_file_path, '/loki/compactor.tokens');
  assert.throws(
    () => derive((c) => void Object.assign(c.common, { persist_tokens: true })),
    new DerivedConfigError('if persist_tokens is true, path_prefix MUST be defined'),
  );
});

test('without memcached or redis, chunk and result caches are embedded and share one setup', () => {
  const cfg = derive((c) => {
    c.query_range.results_cache.cache.embedded_cache.max_size_mb = 512;
  });
  assert.equal(cfg.chunk_store_config.chunk_cache_config.embedded_cache.enabled, true);
  assert.equal(cfg.query_range.results_cache.cache.embedded_cache.enabled, true);
  assert.equal(cfg.query_range.volume_results_cache.cache.embedded_cache.max_size_mb, 512);
  const withMemcached = derive((c) => {
    c.chunk_store_config.chunk_cache_config.memcached_client.addresses = 'memcached:11211';
  });
  assert.equal(withMemcached.chunk_store_config.chunk_cache_config.embedded_cache.enabled, false);
  assert.equal(isCacheConfigured(withMemcached.chunk_store_config.chunk_cache_config), true);
});

test('a lone querier worker grpc_client_config feeds both new client blocks; mixing old and new is an error', () => {
  const cfg = derive((c) => {
    c.frontend_worker.grpc_client_config.max_send_msg_size = 1;
  });
  assert.equal(cfg.frontend_worker.query_frontend_grpc_client.max_send_msg_size, 1);
  assert.equal(cfg.frontend_worker.query_scheduler_grpc_client.max_send_msg_size, 1);
  assert.throws(
    () =>
      derive((c) => {
        c.frontend_worker.grpc_client_config.max_send_msg_size = 1;
        c.frontend_worker.query_scheduler_grpc_client.max_send_msg_size = 2;
      }),
    /both `grpc_client_config` and \(`query_frontend_grpc_client` or `query_scheduler_grpc_client`\) are set at the same time/,
  );
});

test('the query scheduler ring is used when no frontend or scheduler address is given', () => {
  assert.equal(derive(() => {}).query_scheduler.use_scheduler_ring, true);
  assert.equal(
    derive((c) => {
      c.frontend.scheduler_address = 'scheduler:9095';
    }).query_scheduler.use_scheduler_ring,
    false,
  );
});

test('the active schema period is the last one that has started', () => {
  const now = Date.UTC(2024, 5, 1);
  assert.equal(activePeriodIndex(['2023-01-01', '2024-01-01', '2025-01-01'], now), 1);
  assert.equal(activePeriodIndex(['2025-01-01'], now), 0);
  assert.equal(activePeriodIndex(['2020-01-01'], now), 0);
});
