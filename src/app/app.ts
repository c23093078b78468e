// Assembles the components a target runs (Loki's modules) from the loaded
// configuration, wires their HTTP routes, and starts and stops them in order.
import { collectDefaultMetrics, Registry } from 'prom-client';
import { registerCompactor } from '../compactor/index.js';
import { renderConfigYaml, type SkaldConfig } from '../config/index.js';
import { Distributor } from '../distributor/distributor.js';
import { otlpPushHandler } from '../distributor/otlp/push-handler.js';
import { createQueryFrontend, type QueryFrontend } from '../frontend/index.js';
import { Ingester } from '../ingester/ingester.js';
import { DiscardMetrics } from '../limits/discarded.js';
import { Overrides } from '../limits/overrides.js';
import { RuntimeConfigManager } from '../limits/runtime-config-manager.js';
import { Engine } from '../logql/engine/engine.js';
import { MetricQueryEvaluator } from '../logql/engine/metric-query.js';
import { createPipelineCompiler } from '../logql/engine/pipeline.js';
import { warmUpEngine } from '../logql/engine/warm-up.js';
import { parseStreamLabels } from '../logql/syntax/index.js';
import { PatternDetector, patternDetectorConfig } from '../pattern/index.js';
import { MetadataQuerier } from '../querier/metadata.js';
import type { SourceDeps } from '../querier/sources.js';
import { parseTailRequest, TailService } from '../querier/tail.js';
import { defaultPoolSize, WorkerPool } from '../querier/worker-pool.js';
import { Cluster } from '../ring/cluster.js';
import { startRuler } from '../ruler/ruler.js';
import { parseEncodingFlags } from '../server/encoding-flags.js';
import { HttpError } from '../server/http-error.js';
import { registerDiscoveryRoutes, registerTenantLimitsRoutes } from '../server/routes/discovery.js';
import { registerOpsRoutes, type ServiceState } from '../server/routes/ops.js';
import { registerPatternRoutes } from '../server/routes/patterns.js';
import { pushHandler } from '../server/routes/push.js';
import { registerQueryRoutes } from '../server/routes/query.js';
import { HttpServer } from '../server/server.js';
import { resolveTenantOf } from '../server/tenant.js';
import { codecFromName } from '../storage/chunk/compression.js';
import { chunkCacheWorkerData } from '../storage/chunk-cache-port.js';
import { createStore } from '../storage/create-store.js';
import type { Store } from '../storage/store.js';
import type { Labels } from '../util/labels.js';
import { componentLogger, type Logger } from '../util/log.js';
import { modulesFor } from './modules.js';

type State = ServiceState extends { state: () => infer S } ? S : never;

export interface AppOptions {
  config: SkaldConfig;
  targets: readonly string[];
  /** Overrides server.http_listen_port (0 = pick a free port; tests). */
  port?: number;
}

/** Query worker threads: one per core beyond the first by default; SKALD_QUERY_WORKERS overrides (0: none). */
function queryWorkerCount(): number {
  const env = process.env.SKALD_QUERY_WORKERS;
  if (env !== undefined && /^\d+$/.test(env)) return Number(env);
  return defaultPoolSize();
}

function parseLabels(text: string): Labels {
  return parseStreamLabels(text);
}

export class App {
  readonly registry = new Registry();
  readonly server: HttpServer;
  readonly logger: Logger = componentLogger('app');
  readonly modules: ReadonlySet<string>;
  store?: Store;
  ingester?: Ingester;
  distributor?: Distributor;
  engine?: Engine;
  /** The query-range middleware (splitting, results cache) in front of the engine for the query routes. */
  frontend?: QueryFrontend;
  queryPool?: WorkerPool;
  tail?: TailService;
  runtimeConfig?: RuntimeConfigManager;
  /** The ingester ring and, in a cluster, the paths to other processes' ingesters. */
  cluster?: Cluster;
  private readonly timers: NodeJS.Timeout[] = [];
  private state: State = 'New';
  private port = 0;

  constructor(private readonly opts: AppOptions) {
    const cfg = opts.config;
    this.modules = modulesFor(opts.targets);
    collectDefaultMetrics({ register: this.registry });
    this.server = new HttpServer({
      address: cfg.server.http_listen_address,
      port: opts.port ?? cfg.server.http_listen_port,
      registry: this.registry,
      logger: componentLogger('server'),
      readTimeoutMs: cfg.server.http_server_read_timeout,
      writeTimeoutMs: cfg.server.http_server_write_timeout,
      idleTimeoutMs: cfg.server.http_server_idle_timeout,
    });
  }

  get listenPort(): number {
    return this.port;
  }

  async start(): Promise<number> {
    this.state = 'Starting';
    const cfg = this.opts.config;
    const has = (m: string) => this.modules.has(m);
    const tenants = { authEnabled: cfg.auth_enabled, multiTenantQueries: cfg.querier.multi_tenant_queries_enabled };
    const overrides = new Overrides(cfg.limits_config);
    const discarded = new DiscardMetrics(this.registry);
    const runtimeConfig = new RuntimeConfigManager({
      files: cfg.runtime_config.file,
      periodMs: cfg.runtime_config.period,
      defaults: { limits: cfg.limits_config, operational: cfg.operational_config },
      overrides,
      registry: this.registry,
      logger: componentLogger('runtime-config'),
    });
    await runtimeConfig.start();
    this.runtimeConfig = runtimeConfig;

    if (has('ingester') || has('querier'))
      this.store = await createStore(cfg, { registry: this.registry, logger: this.logger });

    if (has('ingester')) {
      const ic = cfg.ingester;
      this.ingester = new Ingester(
        {
          codec: codecFromName(ic.chunk_encoding),
          blockSize: ic.chunk_block_size,
          targetSize: ic.chunk_target_size,
          maxChunkAgeMs: ic.max_chunk_age,
          chunkIdlePeriodMs: ic.chunk_idle_period,
          chunkRetainPeriodMs: ic.chunk_retain_period,
          flushCheckPeriodMs: ic.flush_check_period,
          flushOpTimeoutMs: ic.flush_op_timeout,
          concurrentFlushes: ic.concurrent_flushes,
          maxReturnedStreamErrors: ic.max_returned_stream_errors,
          indexShipIntervalMs: 60_000,
          wal: { enabled: ic.wal.enabled, dir: ic.wal.dir, checkpointDurationMs: ic.wal.checkpoint_duration },
          parseLabels,
        },
        {
          store: this.store!,
          registry: this.registry,
          logger: componentLogger('ingester'),
          discarded,
          limits: (t) => overrides.forTenant(t),
        },
      );
      await this.ingester.start();
    }

    // Pattern detection sees what the distributor accepts and answers /patterns (single process).
    const patterns = cfg.pattern_ingester.enabled
      ? new PatternDetector(patternDetectorConfig(cfg.pattern_ingester, (t) => overrides.forTenant(t)))
      : null;
    if (patterns) {
      this.timers.push(setInterval(() => patterns.prune(Date.now()), cfg.pattern_ingester.flush_check_period).unref());
    }

    if (has('ingester') || has('distributor') || has('querier') || has('ruler')) {
      // Joins the ring (and the gossip, with kvstore memberlist) once the ingester replayed its WAL.
      this.cluster = await Cluster.start({
        config: cfg,
        modules: this.modules,
        registry: this.registry,
        router: this.server.router,
        ingester: this.ingester,
        logger: componentLogger('ring'),
      });
    }

    if (has('distributor')) {
      const ingesterClient = this.cluster?.ingesterClient();
      if (!ingesterClient)
        throw new Error(
          'the distributor needs an ingester in the same process (targets all or write), or a ring shared over memberlist (memberlist.join_members)',
        );
      this.distributor = new Distributor({
        limits: (t) => overrides.forTenant(t),
        ingester: ingesterClient,
        healthyDistributors: this.cluster ? () => this.cluster!.healthyDistributors() : undefined,
        discarded,
        registry: this.registry,
        parseLabels,
        tee: patterns
          ? (tenant, streams) => {
              for (const s of streams) for (const e of s.entries) patterns.observeEntry(tenant, s.key, s.labels, e);
            }
          : undefined,
      });
      const push = {
        distributor: this.distributor,
        tenants,
        maxRecvMsgSize: cfg.distributor.max_recv_msg_size,
        maxDecompressedSize: 0,
      };
      this.server.router.add(['POST'], '/loki/api/v1/push', pushHandler(push, false));
      this.server.router.add(['POST'], '/api/prom/push', pushHandler(push, true));
      this.server.router.add(
        ['POST'],
        '/otlp/v1/logs',
        otlpPushHandler({
          distributor: this.distributor,
          tenants,
          maxRecvMsgSize: cfg.distributor.max_recv_msg_size,
          maxDecompressedSize: cfg.distributor.max_decompressed_size,
          limits: (t) => overrides.forTenant(t),
          globalOtlpConfig: cfg.distributor.otlp_config,
        }),
      );
    }

    if (has('querier')) {
      const sources: SourceDeps = { ingester: this.cluster?.ingesterReader() ?? this.ingester, store: this.store };
      const compilePipeline = createPipelineCompiler();
      const workers = queryWorkerCount();
      if (workers > 0) {
        // Workers read the same store, so they get the configuration; in-memory chunks are posted to them.
        // Their chunk reads go through this thread's chunk cache (one cache per process).
        const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
        const chunkCache = this.store?.chunkCache;
        this.queryPool = new WorkerPool(
          new URL(`../logql/engine/query-worker.${ext}`, import.meta.url),
          workers,
          { config: cfg },
          chunkCache ? chunkCacheWorkerData(chunkCache) : undefined,
        );
      }
      this.engine = new Engine({
        executor: this.queryPool,
        alignQueriesWithStep: cfg.query_range.align_queries_with_step,
        sources,
        limits: (t) => overrides.forTenant(t),
        compilePipeline,
        metrics: new MetricQueryEvaluator(),
      });
      // The frontend passes a query through unchanged unless splitting or the results cache applies to it.
      this.frontend = createQueryFrontend(cfg, {
        handler: this.engine,
        limits: (t) => overrides.forTenant(t),
        registry: this.registry,
        logger: componentLogger('frontend'),
      });
      registerQueryRoutes(this.server.router, {
        engine: this.frontend,
        metadata: new MetadataQuerier(sources),
        tenants,
      });
      registerDiscoveryRoutes(this.server.router, { sources, tenants, limits: (t) => overrides.forTenant(t) });
      registerPatternRoutes(this.server.router, {
        detector: patterns,
        tenants,
        retainForMs: cfg.pattern_ingester.retain_for,
      });
      const tailSource = this.cluster?.tailSource();
      if (tailSource) {
        const tail = new TailService({
          hub: tailSource,
          sources,
          compilePipeline,
          limits: (t) => overrides.forTenant(t),
          maxDurationMs: cfg.querier.tail_max_duration,
          registry: this.registry,
          logger: componentLogger('tail'),
        });
        this.tail = tail;
        for (const [path, legacy] of [
          ['/loki/api/v1/tail', false],
          ['/api/prom/tail', true],
        ] as const) {
          this.server.addUpgrade(path, (req, socket, head, url) => {
            const tenant = resolveTenantOf(req, tenants);
            tail.upgrade(
              req,
              socket,
              head,
              parseTailRequest(url.searchParams, tenant, legacy, parseEncodingFlags(req.headers)),
            );
          });
          // A plain request is refused the way Loki's WebSocket upgrader refuses it.
          this.server.router.add(['GET'], path, () => {
            throw new HttpError(
              400,
              "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header",
            );
          });
        }
      }
    }

    if (has('compactor')) {
      // Index compaction, retention and the log deletion API; it stops when the HTTP server closes.
      await registerCompactor({
        config: cfg,
        router: this.server.router,
        registry: this.registry,
        limits: (t) => overrides.forTenant(t),
        tenants,
        store: this.store,
        stopWith: this.server.server,
        logger: componentLogger('compactor'),
      });
    }

    if (has('ruler')) {
      // Rules are evaluated in this process, through the querier's engine or one built over the store;
      // the ruler stops when the HTTP server closes.
      await startRuler({
        config: cfg,
        registry: this.registry,
        router: this.server.router,
        tenants,
        limits: (t) => overrides.forTenant(t),
        engine: this.engine,
        store: this.store,
        ingester: this.cluster?.ingesterReader() ?? this.ingester,
        singleBinary: this.opts.targets.includes('all'),
        stopWith: this.server.server,
      });
    }

    const services: ServiceState[] = [...this.modules].map((name) => ({ name, state: () => this.state }));
    registerTenantLimitsRoutes(this.server.router, {
      limits: (t) => overrides.forTenant(t),
      publish: {
        allowPublish: cfg.tenant_limits_allow_publish,
        defaultOtlpIndexLabels: cfg.distributor.otlp_config.default_resource_attributes_as_index_labels,
      },
      patternIngesterEnabled: cfg.pattern_ingester.enabled,
    });
    registerOpsRoutes(this.server.router, {
      registry: this.registry,
      services,
      notReadyReason: () =>
        this.ingester && !this.ingester.ready
          ? 'Ingester not ready: replaying the WAL'
          : (this.cluster?.notReadyReason() ?? null),
      renderConfig: (mode) => renderConfigYaml(cfg, mode),
      renderRuntimeConfig: (mode) => runtimeConfig.render(mode),
      flush: this.ingester ? () => this.ingester!.flushAll() : undefined,
      shutdownIngester: this.ingester ? (flush) => this.cluster!.shutdownIngester(flush) : undefined,
    });

    if (this.engine) {
      // The query code on this thread warms up in the background (workers warm themselves).
      const pipelines = createPipelineCompiler();
      setImmediate(
        () => void warmUpEngine(pipelines).catch((err) => this.logger.warn('engine warm-up failed', { err })),
      );
    }
    this.port = await this.server.listen();
    this.state = 'Running';
    this.logger.info('Skald started', { targets: [...this.opts.targets].join(','), port: this.port });
    return this.port;
  }

  /** Stops serving, flushes the ingester, and releases the store. */
  async stop(): Promise<void> {
    if (this.state === 'Stopping' || this.state === 'Terminated') return;
    this.state = 'Stopping';
    this.logger.info('Skald stopping');
    this.tail?.close();
    this.runtimeConfig?.stop();
    for (const t of this.timers) clearInterval(t);
    // LEAVING first: distributors stop sending writes here while this ingester flushes.
    await this.cluster?.leaving();
    await this.server.close();
    await this.frontend?.stop();
    await this.ingester?.stop();
    await this.cluster?.stop();
    await this.queryPool?.close();
    await this.store?.stop();
    this.state = 'Terminated';
  }
}
