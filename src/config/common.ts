// Loki's derived defaults: how the `common` block (and a few other hints) fill in settings of the
// components. Runs after the file and flags are applied; the loader then re-applies the file and
// flags, so anything an operator wrote explicitly wins over what is derived here — the same order
// Loki uses.
//
// - `common.path_prefix` -> ingester WAL dir, compactor working dir, ruler temp rule path, bloom
//   dir, TSDB/boltdb shipper active and cache directories (when a schema period uses that index);
// - `common.storage.<backend>` -> `storage_config.<backend>` and the ruler's rule storage;
// - `common.replication_factor` -> ingester ring, index gateway ring;
// - `common.ring` (else memberlist, else the ingester ring) -> every other ring;
// - `common.instance_addr` / `instance_interface_names` -> rings, frontend, memberlist;
// - `common.persist_tokens` -> token files under the path prefix;
// - embedded results/chunk caches when no other cache is configured, and a few more.

import { networkInterfaces } from 'node:os';
import type { SkaldConfig } from './types.js';

export class DerivedConfigError extends Error {
  override name = 'DerivedConfigError';
}

export const TOO_MANY_STORAGE_CONFIGS =
  'too many storage configs provided in the common config, please only define one storage backend';

type Ring = SkaldConfig['common']['ring'];
type Lifecycler = SkaldConfig['ingester']['lifecycler'];
type KvStore = Ring['kvstore'];

/** Applies Loki's `common` propagation to `cfg` in place; `defaults` is the untouched default config. */
export function applyDerivedDefaults(cfg: SkaldConfig, defaults: SkaldConfig): void {
  if (
    cfg.frontend_worker.frontend_address === '' &&
    cfg.frontend_worker.scheduler_address === '' &&
    cfg.frontend.downstream_url === '' &&
    cfg.frontend.scheduler_address === ''
  ) {
    cfg.query_scheduler.use_scheduler_ring = true;
  }
  applyPathPrefix(cfg, defaults);
  applyInstanceSettings(cfg, defaults);
  if (cfg.common.replication_factor !== defaults.common.replication_factor) {
    cfg.index_gateway.ring.replication_factor = cfg.common.replication_factor;
  }
  applyRings(cfg, defaults);
  appendLoopbackInterface(cfg, defaults);
  applyTokenFiles(cfg);
  applyCommonStorage(cfg, defaults);
  applyShipperDirectories(cfg);
  applyEmbeddedCaches(cfg);
  cfg.ingester.lifecycler.final_sleep = 0;
  cfg.ingester.lifecycler.ring.replication_factor = cfg.common.replication_factor;
  applyChunkRetain(cfg, defaults);
  applyQuerierWorkerGrpc(cfg, defaults);
}

function pathPrefix(cfg: SkaldConfig): string | null {
  return cfg.common.path_prefix === '' ? null : cfg.common.path_prefix.replace(/\/$/, '');
}

function applyPathPrefix(cfg: SkaldConfig, defaults: SkaldConfig): void {
  const prefix = pathPrefix(cfg);
  if (prefix === null) return;
  if (cfg.ruler.rule_path === defaults.ruler.rule_path) cfg.ruler.rule_path = `${prefix}/rules-temp`;
  if (cfg.ingester.wal.dir === defaults.ingester.wal.dir) cfg.ingester.wal.dir = `${prefix}/wal`;
  if (cfg.compactor.working_directory === defaults.compactor.working_directory) {
    cfg.compactor.working_directory = `${prefix}/compactor`;
  }
  const blooms = cfg.storage_config.bloom_shipper.working_directory;
  if (blooms.length === 1 && equal(blooms, defaults.storage_config.bloom_shipper.working_directory)) {
    cfg.storage_config.bloom_shipper.working_directory = [`${prefix}/blooms`];
  }
}

function applyInstanceSettings(cfg: SkaldConfig, defaults: SkaldConfig): void {
  const common = cfg.common;
  if (common.instance_addr !== defaults.common.instance_addr) {
    if (common.ring.instance_addr === defaults.common.ring.instance_addr)
      common.ring.instance_addr = common.instance_addr;
    cfg.frontend.address = common.instance_addr;
    cfg.index_gateway.ring.instance_addr = common.instance_addr;
    cfg.memberlist.advertise_addr = common.instance_addr;
  }
  if (!equal(common.instance_interface_names, defaults.common.instance_interface_names)) {
    if (equal(common.ring.instance_interface_names, defaults.common.ring.instance_interface_names)) {
      common.ring.instance_interface_names = [...common.instance_interface_names];
    }
    cfg.frontend.instance_interface_names = [...common.instance_interface_names];
    cfg.index_gateway.ring.instance_interface_names = [...common.instance_interface_names];
    cfg.query_engine.instance_interface_names = [...common.instance_interface_names];
  }
}

/**
 * Ring precedence: an explicit `common.ring` is merged into every ring; otherwise
 * `memberlist.join_members` switches every ring to memberlist; otherwise the ingester's ring is
 * copied to the rings left at their defaults.
 */
function applyRings(cfg: SkaldConfig, defaults: SkaldConfig): void {
  if (!equal(cfg.common.ring, defaults.common.ring)) {
    applyRingToAll(cfg, defaults, cfg.common.ring, true);
    return;
  }
  if (cfg.memberlist.join_members.length > 0) {
    for (const kv of allKvStores(cfg)) kv.store = 'memberlist';
    return;
  }
  applyRingToAll(cfg, defaults, lifecyclerAsRing(cfg.ingester.lifecycler), false);
}

function allKvStores(cfg: SkaldConfig): KvStore[] {
  return [
    cfg.ingester.lifecycler.ring.kvstore,
    cfg.ingest_limits.lifecycler.ring.kvstore,
    cfg.ingest_limits_frontend.lifecycler.ring.kvstore,
    cfg.pattern_ingester.lifecycler.ring.kvstore,
    cfg.distributor.ring.kvstore,
    cfg.ruler.ring.kvstore,
    cfg.query_scheduler.scheduler_ring.kvstore,
    cfg.compactor.compactor_ring.kvstore,
    cfg.index_gateway.ring.kvstore,
    cfg.ui.ring.kvstore,
    cfg.dataobj.consumer.lifecycler.ring.kvstore,
  ];
}

function lifecyclerAsRing(l: Lifecycler): Ring {
  return {
    kvstore: clone(l.ring.kvstore),
    heartbeat_period: l.heartbeat_period,
    heartbeat_timeout: l.ring.heartbeat_timeout,
    tokens_file_path: l.tokens_file_path,
    zone_awareness_enabled: l.ring.zone_awareness_enabled,
    num_tokens: l.num_tokens,
    replication_factor: l.ring.replication_factor,
    instance_id: l.id,
    instance_interface_names: [...l.interface_names],
    instance_port: l.port,
    instance_addr: l.address,
    instance_availability_zone: l.availability_zone,
    instance_enable_ipv6: l.enable_inet6,
  };
}

function ringIntoLifecycler(rc: Ring, l: Lifecycler): void {
  l.ring.kvstore = clone(rc.kvstore);
  l.heartbeat_period = rc.heartbeat_period;
  l.ring.heartbeat_timeout = rc.heartbeat_timeout;
  l.tokens_file_path = rc.tokens_file_path;
  l.ring.zone_awareness_enabled = rc.zone_awareness_enabled;
  l.id = rc.instance_id;
  l.interface_names = [...rc.instance_interface_names];
  l.port = rc.instance_port;
  l.address = rc.instance_addr;
  l.availability_zone = rc.instance_availability_zone;
  l.enable_inet6 = rc.instance_enable_ipv6;
}

interface BasicRing {
  kvstore: KvStore;
  heartbeat_period: number;
  heartbeat_timeout: number;
  instance_id: string;
  instance_interface_names: string[];
  instance_port: number;
  instance_addr: string;
  instance_enable_ipv6: boolean;
}

function ringIntoBasic(rc: Ring, r: BasicRing): void {
  r.kvstore = clone(rc.kvstore);
  r.heartbeat_period = rc.heartbeat_period;
  r.heartbeat_timeout = rc.heartbeat_timeout;
  r.instance_id = rc.instance_id;
  r.instance_interface_names = [...rc.instance_interface_names];
  r.instance_port = rc.instance_port;
  r.instance_addr = rc.instance_addr;
  r.instance_enable_ipv6 = rc.instance_enable_ipv6;
}

function ringIntoZoned(rc: Ring, r: Ring): void {
  ringIntoBasic(rc, r);
  r.instance_availability_zone = rc.instance_availability_zone;
  r.zone_awareness_enabled = rc.zone_awareness_enabled;
}

/**
 * With `merge` (common ring) every ring takes the ring settings; without it (ingester ring) only
 * rings still at their defaults do, and the ingester and pattern ingester are left alone.
 */
function applyRingToAll(cfg: SkaldConfig, defaults: SkaldConfig, rc: Ring, merge: boolean): void {
  const untouched = (a: unknown, b: unknown) => merge || equal(a, b);
  if (merge) {
    ringIntoLifecycler(rc, cfg.ingester.lifecycler);
    cfg.ingester.kafka_ingestion.partition_ring.kvstore = clone(rc.kvstore);
    ringIntoLifecycler(rc, cfg.pattern_ingester.lifecycler);
  }
  if (untouched(cfg.ingest_limits.lifecycler.ring, defaults.ingest_limits.lifecycler.ring)) {
    ringIntoLifecycler(rc, cfg.ingest_limits.lifecycler);
  }
  if (untouched(cfg.ingest_limits_frontend.lifecycler.ring, defaults.ingest_limits_frontend.lifecycler.ring)) {
    ringIntoLifecycler(rc, cfg.ingest_limits_frontend.lifecycler);
  }
  if (untouched(cfg.distributor.ring, defaults.distributor.ring)) ringIntoBasic(rc, cfg.distributor.ring);
  if (untouched(cfg.ruler.ring, defaults.ruler.ring)) ringIntoBasic(rc, cfg.ruler.ring);
  if (untouched(cfg.query_scheduler.scheduler_ring, defaults.query_scheduler.scheduler_ring)) {
    ringIntoZoned(rc, cfg.query_scheduler.scheduler_ring);
  }
  if (untouched(cfg.compactor.compactor_ring, defaults.compactor.compactor_ring)) {
    ringIntoZoned(rc, cfg.compactor.compactor_ring);
  }
  if (untouched(cfg.index_gateway.ring, defaults.index_gateway.ring)) ringIntoZoned(rc, cfg.index_gateway.ring);
  if (untouched(cfg.ui.ring, defaults.ui.ring)) ringIntoZoned(rc, cfg.ui.ring);
  if (untouched(cfg.dataobj.consumer.lifecycler.ring, defaults.dataobj.consumer.lifecycler.ring)) {
    ringIntoLifecycler(rc, cfg.dataobj.consumer.lifecycler);
    cfg.dataobj.consumer.partition_ring.kvstore = clone(rc.kvstore);
  }
}

/** Rings still using the default interface list also look at the loopback interface. */
function appendLoopbackInterface(cfg: SkaldConfig, defaults: SkaldConfig): void {
  const loopback = loopbackInterfaceName();
  if (loopback === null) return;
  const lists: Array<[{ [k: string]: unknown }, string, string[]]> = [
    [cfg.ingester.lifecycler, 'interface_names', defaults.ingester.lifecycler.interface_names],
    [cfg.ingest_limits.lifecycler, 'interface_names', defaults.ingest_limits.lifecycler.interface_names],
    [
      cfg.ingest_limits_frontend.lifecycler,
      'interface_names',
      defaults.ingest_limits_frontend.lifecycler.interface_names,
    ],
    [cfg.pattern_ingester.lifecycler, 'interface_names', defaults.pattern_ingester.lifecycler.interface_names],
    [cfg.frontend, 'instance_interface_names', defaults.frontend.instance_interface_names],
    [cfg.distributor.ring, 'instance_interface_names', defaults.distributor.ring.instance_interface_names],
    [cfg.common.ring, 'instance_interface_names', defaults.common.ring.instance_interface_names],
    [
      cfg.compactor.compactor_ring,
      'instance_interface_names',
      defaults.compactor.compactor_ring.instance_interface_names,
    ],
    [
      cfg.query_scheduler.scheduler_ring,
      'instance_interface_names',
      defaults.query_scheduler.scheduler_ring.instance_interface_names,
    ],
    [cfg.ruler.ring, 'instance_interface_names', defaults.ruler.ring.instance_interface_names],
    [cfg.index_gateway.ring, 'instance_interface_names', defaults.index_gateway.ring.instance_interface_names],
    [cfg.dataobj.consumer.lifecycler, 'interface_names', defaults.dataobj.consumer.lifecycler.interface_names],
    [cfg.query_engine, 'instance_interface_names', defaults.query_engine.instance_interface_names],
  ];
  for (const [owner, key, def] of lists) {
    const current = owner[key] as string[];
    if (equal(current, def)) owner[key] = [...current, loopback];
  }
}

function loopbackInterfaceName(): string | null {
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (addrs?.some((a) => a.internal)) return name;
  }
  return null;
}

/** Token files under the path prefix, and the block whose `tokens_file_path` each one goes to. */
const TOKEN_FILES: ReadonlyArray<[string, (cfg: SkaldConfig) => { tokens_file_path: string }]> = [
  ['ingester.tokens', (c) => c.ingester.lifecycler],
  ['ingestlimits.tokens', (c) => c.ingest_limits.lifecycler],
  ['ingestlimitsfrontend.tokens', (c) => c.ingest_limits_frontend.lifecycler],
  ['compactor.tokens', (c) => c.compactor.compactor_ring],
  ['scheduler.tokens', (c) => c.query_scheduler.scheduler_ring],
  ['indexgateway.tokens', (c) => c.index_gateway.ring],
  ['pattern.tokens', (c) => c.pattern_ingester.lifecycler],
  ['ui.tokens', (c) => c.ui.ring],
  ['dataobjconsumer.tokens', (c) => c.dataobj.consumer.lifecycler],
];

function applyTokenFiles(cfg: SkaldConfig): void {
  for (const [file, owner] of TOKEN_FILES) {
    if (!cfg.common.persist_tokens) {
      owner(cfg).tokens_file_path = '';
      continue;
    }
    if (cfg.common.path_prefix === '')
      throw new DerivedConfigError('if persist_tokens is true, path_prefix MUST be defined');
    owner(cfg).tokens_file_path = `${cfg.common.path_prefix}/${file}`;
  }
}

/** One object-store backend in `common.storage` configures the chunk store and the ruler's storage. */
function applyCommonStorage(cfg: SkaldConfig, defaults: SkaldConfig): void {
  const common = cfg.common.storage;
  const sc = cfg.storage_config;
  const ruler = cfg.ruler.storage;
  const found: Array<() => void> = [];
  const differs = (value: object, def: object) => !equal(value, def);

  if (differs(common.azure, defaults.storage_config.azure)) {
    found.push(() => {
      ruler.type = 'azure';
      ruler.azure = clone(common.azure);
      cfg.storage_config.azure = clone(common.azure);
      sc.hedging = clone(common.hedging);
    });
  }
  if (differs(common.filesystem, defaults.common.storage.filesystem)) {
    found.push(() => {
      ruler.type = 'local';
      ruler.local = { ...defaults.ruler.storage.local, directory: common.filesystem.rules_directory };
      sc.filesystem.directory = common.filesystem.chunks_directory;
    });
  }
  if (differs(common.gcs, defaults.storage_config.gcs)) {
    found.push(() => {
      ruler.type = 'gcs';
      ruler.gcs = clone(common.gcs);
      sc.gcs = clone(common.gcs);
      sc.hedging = clone(common.hedging);
    });
  }
  if (differs(common.s3, pick(defaults.storage_config.aws, common.s3))) {
    found.push(() => {
      ruler.type = 's3';
      ruler.s3 = clone(common.s3);
      Object.assign(sc.aws, clone(common.s3));
      sc.hedging = clone(common.hedging);
    });
  }
  if (differs(common.bos, defaults.storage_config.bos)) {
    found.push(() => {
      ruler.type = 'bos';
      ruler.bos = clone(common.bos);
      sc.bos = clone(common.bos);
    });
  }
  if (differs(common.swift, defaults.storage_config.swift)) {
    found.push(() => {
      ruler.type = 'swift';
      ruler.swift = clone(common.swift);
      sc.swift = clone(common.swift);
      sc.hedging = clone(common.hedging);
    });
  }
  if (differs(common.alibabacloud, defaults.storage_config.alibabacloud)) {
    found.push(() => {
      ruler.type = 'alibaba';
      ruler.alibabacloud = clone(common.alibabacloud);
      sc.alibabacloud = clone(common.alibabacloud);
    });
  }
  if (differs(common.cos, defaults.storage_config.cos)) {
    found.push(() => {
      ruler.type = 'cos';
      ruler.cos = clone(common.cos);
      sc.cos = clone(common.cos);
    });
  }
  if (found.length > 1) throw new DerivedConfigError(TOO_MANY_STORAGE_CONFIGS);
  for (const apply of found) apply();
  if (differs(common.congestion_control, defaults.storage_config.congestion_control)) {
    sc.congestion_control = clone(common.congestion_control);
  }
  if (differs(common.object_store, pick(defaults.storage_config.object_store, common.object_store))) {
    Object.assign(sc.object_store, clone(common.object_store));
  }
}

function applyShipperDirectories(cfg: SkaldConfig): void {
  const prefix = pathPrefix(cfg);
  if (prefix === null) return;
  const stores = new Set(cfg.schema_config.configs.map((p) => p.store));
  const shippers = [
    ['boltdb-shipper', cfg.storage_config.boltdb_shipper, 'boltdb-shipper'],
    ['tsdb', cfg.storage_config.tsdb_shipper, 'tsdb-shipper'],
  ] as const;
  for (const [store, shipper, dir] of shippers) {
    if (!stores.has(store)) continue;
    if (shipper.active_index_directory === '') shipper.active_index_directory = `${prefix}/${dir}-active`;
    if (shipper.cache_location === '') shipper.cache_location = `${prefix}/${dir}-cache`;
  }
}

type Cache = SkaldConfig['chunk_store_config']['chunk_cache_config'];

/** Loki's `cache.IsCacheConfigured`: memcached, redis or the embedded cache is set up. */
export function isCacheConfigured(cache: Cache): boolean {
  return (
    cache.memcached_client.addresses !== '' ||
    cache.memcached_client.host !== '' ||
    cache.redis.endpoint !== '' ||
    cache.embedded_cache.enabled
  );
}

/** Without memcached or redis, chunks and query results are cached in process. */
function applyEmbeddedCaches(cfg: SkaldConfig): void {
  if (!isCacheConfigured(cfg.chunk_store_config.chunk_cache_config)) {
    cfg.chunk_store_config.chunk_cache_config.embedded_cache.enabled = true;
  }
  const qr = cfg.query_range;
  if (!isCacheConfigured(qr.results_cache.cache)) qr.results_cache.cache.embedded_cache.enabled = true;
  for (const follower of [
    qr.index_stats_results_cache,
    qr.volume_results_cache,
    qr.series_results_cache,
    qr.label_results_cache,
    qr.instant_metric_results_cache,
  ]) {
    if (isCacheConfigured(follower.cache)) continue;
    const prefix = follower.cache.prefix;
    follower.cache = { ...clone(qr.results_cache.cache), prefix };
  }
}

function applyChunkRetain(cfg: SkaldConfig, defaults: SkaldConfig): void {
  if (equal(cfg.storage_config.index_queries_cache_config, defaults.storage_config.index_queries_cache_config)) return;
  const active = activePeriodIndex(cfg.schema_config.configs.map((p) => p.from));
  if (cfg.schema_config.configs[active]?.store === 'boltdb-shipper') {
    cfg.ingester.chunk_retain_period = cfg.storage_config.index_cache_validity + 60_000;
  }
}

function applyQuerierWorkerGrpc(cfg: SkaldConfig, defaults: SkaldConfig): void {
  const w = cfg.frontend_worker;
  const d = defaults.frontend_worker;
  const newFrontend = !equal(w.query_frontend_grpc_client, d.query_frontend_grpc_client);
  const newScheduler = !equal(w.query_scheduler_grpc_client, d.query_scheduler_grpc_client);
  if (equal(w.grpc_client_config, d.grpc_client_config)) return;
  if (newFrontend || newScheduler) {
    throw new DerivedConfigError(
      'both `grpc_client_config` and (`query_frontend_grpc_client` or `query_scheduler_grpc_client`) are set at the same time. Please use only `query_frontend_grpc_client` and `query_scheduler_grpc_client`',
    );
  }
  w.query_frontend_grpc_client = clone(w.grpc_client_config);
  w.query_scheduler_grpc_client = clone(w.grpc_client_config);
}

/** Index of the schema period in force now: the last one whose `from` is not in the future. */
export function activePeriodIndex(froms: readonly string[], nowMs = Date.now()): number {
  let i = 0;
  while (i < froms.length && Date.parse(`${froms[i]}T00:00:00Z`) <= nowMs) i++;
  return i > 0 ? i - 1 : 0;
}

/** The keys of `shape` taken from `source` (to compare a block with the matching part of a larger one). */
function pick<T extends object>(source: object, shape: T): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) out[key] = (source as Record<string, unknown>)[key];
  return out as T;
}

export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
