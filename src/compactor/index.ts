// The compactor module: what a target running `compactor` (all, backend)
// adds to a Skald process. It compacts index files, applies retention and
// serves and processes delete requests; see compactor.ts and delete-routes.ts.
import type { Registry } from 'prom-client';
import type { LimitsConfig, SkaldConfig } from '../config/index.js';
import type { Router } from '../server/router.js';
import type { TenantOptions } from '../server/tenant.js';
import { createStore } from '../storage/create-store.js';
import type { ObjectClient } from '../storage/objstore/client.js';
import type { StorageConfig } from '../storage/objstore/config.js';
import { createObjectClient } from '../storage/objstore/factory.js';
import type { Store } from '../storage/store.js';
import { componentLogger, type Logger } from '../util/log.js';
import { Compactor } from './compactor.js';
import { DeleteRequestsStore, deleteRequestsKey } from './delete-requests-store.js';
import { registerDeleteRoutes } from './delete-routes.js';
import { compactorMetrics } from './metrics.js';
import { compactorSettings } from './settings.js';

export { Compactor } from './compactor.js';
export { CompactorConfigError } from './settings.js';

export interface CompactorModuleDeps {
  config: SkaldConfig;
  router: Router;
  registry: Registry;
  /** Per-tenant limits (retention, deletion mode), runtime overrides included. */
  limits: (tenant: string) => LimitsConfig;
  tenants: TenantOptions;
  /**
   * The process's store, when it has one (targets with a querier or an
   * ingester): sharing it lets this process's queries see compacted and
   * cleaned indexes at once. Without it the module opens its own.
   */
  store?: Store;
  /** The compactor stops when this emits `close` (the HTTP server, which closes first at shutdown). */
  stopWith?: { once(event: 'close', listener: () => void): unknown };
  logger?: Logger;
}

export interface CompactorModule {
  compactor: Compactor;
  deleteRequests: DeleteRequestsStore | null;
  stop(): Promise<void>;
}

/** Builds the compactor, registers its HTTP routes, and starts its schedules. */
export async function registerCompactor(deps: CompactorModuleDeps): Promise<CompactorModule> {
  const cfg = deps.config;
  const logger = deps.logger ?? componentLogger('compactor');
  const settings = compactorSettings(cfg.compactor);
  // The compactor rewrites and deletes chunks; caching what it reads once would only crowd memory.
  const ownStore = deps.store ? null : await createStore(cfg, { registry: deps.registry, logger, chunkCache: null });
  const store = deps.store ?? ownStore!;
  const metrics = compactorMetrics(deps.registry);

  let deleteRequests: DeleteRequestsStore | null = null;
  let ownDeleteClient: ObjectClient | null = null;
  if (settings.retentionEnabled) {
    // The delete store is usually one of the schema's stores: reuse its client (an in-memory store
    // must be the very same object, and a shared client shares its connections).
    const period = store.schema.periods.find((p) => p.objectStore === settings.deleteRequestStore);
    let client: ObjectClient;
    if (period) client = store.clientAt(period.fromMs);
    else {
      ownDeleteClient = await createObjectClient(settings.deleteRequestStore, cfg.storage_config as StorageConfig, {
        registry: deps.registry,
      });
      client = ownDeleteClient;
    }
    deleteRequests = await DeleteRequestsStore.open(client, deleteRequestsKey(settings.deleteRequestStoreKeyPrefix));
  }

  const compactor = await Compactor.create({
    settings,
    store,
    limits: deps.limits,
    metrics,
    logger,
    ...(deleteRequests ? { deleteRequests } : {}),
  });
  registerDeleteRoutes(deps.router, {
    requests: deleteRequests,
    tenants: deps.tenants,
    deletionMode: (t) => deps.limits(t).deletion_mode,
    cancelPeriodMs: settings.deleteRequestCancelPeriodMs,
    maxIntervalMs: settings.deleteMaxIntervalMs,
    metrics,
    logger,
  });
  compactor.start();

  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await compactor.stop();
      await ownDeleteClient?.stop();
      await ownStore?.stop();
    })();
    return stopped;
  };
  deps.stopWith?.once('close', () => {
    stop().catch((err: unknown) => logger.error('failed to stop the compactor', { err }));
  });
  return { compactor, deleteRequests, stop };
}
