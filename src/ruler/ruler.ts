// The ruler component: reads every tenant's rule groups from the rule store
// on start-up and every poll_interval, runs them through the per-tenant
// managers, sends alerts to Alertmanager and recording-rule results to
// remote-write receivers, and serves the ruler API.
//
// Rules are evaluated locally (Loki's `ruler.evaluation.mode: local`): with
// the process's engine when it runs a querier (target `all`), otherwise with
// an engine built here over the object store and the ingesters the process
// can reach (target `backend`).

import type { Registry } from 'prom-client';
import { compileRelabelRule, DEFAULT_RELABEL, type RelabelRule } from '../agent/relabel/relabel.js';
import type { LimitsConfig, SkaldConfig } from '../config/index.js';
import { Engine } from '../logql/engine/engine.js';
import { MetricQueryEvaluator } from '../logql/engine/metric-query.js';
import { createPipelineCompiler } from '../logql/engine/pipeline.js';
import type { IngesterReader } from '../querier/sources.js';
import type { Router } from '../server/router.js';
import type { TenantOptions } from '../server/tenant.js';
import { createStore } from '../storage/create-store.js';
import type { Store } from '../storage/store.js';
import { type Labels, labelsFromRecord } from '../util/labels.js';
import { componentLogger, type Logger } from '../util/log.js';
import { registerRulerRoutes } from './api.js';
import { engineQueryFunc } from './evaluator.js';
import type { Clock } from './group.js';
import type { ClientAuth, TlsOptions } from './http-client.js';
import { type ManagerSettings, MultiTenantManager, type TenantServices } from './manager.js';
import { RulerMetrics } from './metrics.js';
import { alertmanagerEndpoints, Notifier, type NotifierConfig } from './notifier.js';
import { DEFAULT_QUEUE, type RemoteWriteClientConfig, RemoteWriter } from './remote-write.js';
import type { RuleGroupDesc } from './rule-group.js';
import { createRuleStore, type RuleStore, RuleStoreNotConfigured } from './rule-store.js';

export interface RulerDeps {
  config: SkaldConfig;
  registry: Registry;
  router: Router;
  tenants: TenantOptions;
  /** A tenant's limits (`limits_config` with runtime overrides). */
  limits: (tenant: string) => LimitsConfig;
  /** The process's LogQL engine, when it runs a querier. */
  engine?: Engine;
  /** The process's chunk store, reused when an engine has to be built here. */
  store?: Store;
  /** The ingesters an engine built here reads: in process, or through the ring when it is shared. */
  ingester?: IngesterReader;
  /** Target `all`: with no rule storage configured the ruler stays off, as Loki's single binary does. */
  singleBinary: boolean;
  /** Stop the ruler when this emits `close` (the HTTP server), so the app needs no extra stop call. */
  stopWith?: { once(event: 'close', listener: () => void): unknown };
  logger?: Logger;
  clock?: Clock;
}

export interface Ruler {
  readonly store: RuleStore;
  readonly manager: MultiTenantManager;
  /** Reads the store and updates the running groups now. */
  syncRules(reason: 'initial' | 'periodic'): Promise<void>;
  stop(): Promise<void>;
}

type RelabelBlock = SkaldConfig['ruler']['alert_relabel_configs'][number];
type RemoteClientBlock = SkaldConfig['ruler']['remote_write']['client'];
type AlertmanagerBlock = Pick<
  SkaldConfig['ruler'],
  | 'alertmanager_url'
  | 'enable_alertmanager_v2'
  | 'notification_queue_capacity'
  | 'notification_timeout'
  | 'alert_relabel_configs'
  | 'alertmanager_client'
>;

/** Relabel rules from config; empty fields take Prometheus' defaults, as its YAML decoder fills them in. */
export function compileRelabelBlocks(blocks: readonly RelabelBlock[]): RelabelRule[] {
  return blocks.map((b) =>
    compileRelabelRule({
      source_labels: b.source_labels,
      separator: b.separator || DEFAULT_RELABEL.separator,
      regex: b.regex || DEFAULT_RELABEL.regex,
      modulus: b.modulus,
      target_label: b.target_label,
      replacement: b.replacement || DEFAULT_RELABEL.replacement,
      action: b.action || DEFAULT_RELABEL.action,
    }),
  );
}

function notifierConfig(am: AlertmanagerBlock, externalLabels: Labels): NotifierConfig {
  const c = am.alertmanager_client;
  const auth: ClientAuth = {};
  if (c.basic_auth_username !== '' || c.basic_auth_password !== '') {
    auth.basic = { username: c.basic_auth_username, password: c.basic_auth_password };
  } else if (c.credentials !== '') {
    auth.authorization = { type: c.type, credentials: c.credentials };
  }
  const tls: TlsOptions = {
    caFile: c.tls_ca_path,
    certFile: c.tls_cert_path,
    keyFile: c.tls_key_path,
    serverName: c.tls_server_name,
    insecureSkipVerify: c.tls_insecure_skip_verify,
  };
  return {
    alertmanagerURL: am.alertmanager_url,
    v2: am.enable_alertmanager_v2,
    queueCapacity: am.notification_queue_capacity > 0 ? am.notification_queue_capacity : 10000,
    timeoutMs: am.notification_timeout > 0 ? am.notification_timeout : 10_000,
    externalLabels,
    relabel: compileRelabelBlocks(am.alert_relabel_configs),
    auth,
    tls,
  };
}

function remoteClientConfig(
  tenant: string,
  id: string,
  c: RemoteClientBlock,
  addOrgId: boolean,
): RemoteWriteClientConfig {
  if (c.url === '') {
    throw new Error(`remote-write enabled but client '${c.name}' URL for tenant ${id} is not configured`);
  }
  const headers: Record<string, string> = {};
  // No variant of X-Scope-OrgID may come from configuration: it could pass for another tenant.
  for (const [k, v] of Object.entries(c.headers)) if (k.trim().toLowerCase() !== 'x-scope-orgid') headers[k] = v;
  if (addOrgId) headers['X-Scope-OrgID'] = tenant;
  const auth: ClientAuth = {};
  if (c.basic_auth.username !== '') {
    auth.basic = { username: c.basic_auth.username, password: c.basic_auth.password };
  } else if (c.authorization.credentials !== '') {
    auth.authorization = { type: c.authorization.type || 'Bearer', credentials: c.authorization.credentials };
  } else if (c.bearer_token !== '') {
    auth.authorization = { type: 'Bearer', credentials: c.bearer_token };
  }
  const q = c.queue_config;
  return {
    name: `${tenant}-rw-${id}`,
    url: new URL(c.url),
    timeoutMs: c.remote_timeout > 0 ? c.remote_timeout : 30_000,
    headers,
    relabel: compileRelabelBlocks(c.write_relabel_configs),
    auth,
    tls: {
      caFile: c.tls_config.ca_file,
      certFile: c.tls_config.cert_file,
      keyFile: c.tls_config.key_file,
      serverName: c.tls_config.server_name,
      insecureSkipVerify: c.tls_config.insecure_skip_verify,
    },
    queue: {
      capacity: q.capacity || DEFAULT_QUEUE.capacity,
      maxSamplesPerSend: q.max_samples_per_send || DEFAULT_QUEUE.maxSamplesPerSend,
      batchSendDeadlineMs: q.batch_send_deadline || DEFAULT_QUEUE.batchSendDeadlineMs,
      minBackoffMs: q.min_backoff || DEFAULT_QUEUE.minBackoffMs,
      maxBackoffMs: q.max_backoff || DEFAULT_QUEUE.maxBackoffMs,
      retryOnHttp429: q.retry_on_http_429,
    },
  };
}

/** The remote-write clients of the configuration by id (`clients`, and the older single `client`). */
function configuredClients(cfg: SkaldConfig): Map<string, RemoteClientBlock> {
  const rw = cfg.ruler.remote_write;
  const out = new Map<string, RemoteClientBlock>(Object.entries(rw.clients) as Array<[string, RemoteClientBlock]>);
  if (rw.client.url !== '' && !out.has('default')) out.set('default', rw.client);
  return out;
}

/** A tenant's remote-write clients: the configured ones with the tenant's overrides merged in (Loki's registry). */
function tenantRemoteClients(cfg: SkaldConfig, tenant: string, limits: LimitsConfig): RemoteWriteClientConfig[] {
  const rw = cfg.ruler.remote_write;
  if (!rw.enabled || limits.ruler_remote_write_disabled) return [];
  const out: RemoteWriteClientConfig[] = [];
  for (const [id, base] of configuredClients(cfg)) {
    const o = (limits.ruler_remote_write_config as Record<string, RemoteClientBlock | undefined>)[id];
    const merged: RemoteClientBlock = o
      ? {
          ...base,
          url: o.url || base.url,
          remote_timeout: o.remote_timeout || base.remote_timeout,
          headers: Object.keys(o.headers).length > 0 ? { ...o.headers } : base.headers,
          write_relabel_configs:
            o.write_relabel_configs.length > 0 ? o.write_relabel_configs : base.write_relabel_configs,
        }
      : base;
    out.push(remoteClientConfig(tenant, id, merged, rw.add_org_id_header));
  }
  return out;
}

/** An engine over the object store (and the ingester, when in process), for targets without a querier. */
export function createRulerEngine(
  cfg: SkaldConfig,
  limits: (t: string) => LimitsConfig,
  store: Store,
  ingester?: IngesterReader,
): Engine {
  return new Engine({
    alignQueriesWithStep: cfg.query_range.align_queries_with_step,
    sources: { store, ...(ingester ? { ingester } : {}) },
    limits,
    compilePipeline: createPipelineCompiler(),
    metrics: new MetricQueryEvaluator(),
  });
}

function tenantAllowed(cfg: SkaldConfig, user: string): boolean {
  const enabled = cfg.ruler.enabled_tenants;
  if (enabled.length > 0 && !enabled.includes(user)) return false;
  return !cfg.ruler.disabled_tenants.includes(user);
}

/**
 * Starts the ruler; null when the single binary has no rule storage
 * configured (Loki then runs without a ruler).
 */
export async function startRuler(deps: RulerDeps): Promise<Ruler | null> {
  const cfg = deps.config;
  const rc = cfg.ruler;
  const logger = deps.logger ?? componentLogger('ruler');
  let store: RuleStore;
  try {
    store = await createRuleStore(cfg);
  } catch (err) {
    if (err instanceof RuleStoreNotConfigured && deps.singleBinary) {
      logger.info('Ruler storage is not configured; ruler will not be started.', {
        config_key: cfg.storage_config.use_thanos_objstore ? 'ruler_storage' : 'ruler.storage',
      });
      return null;
    }
    throw err;
  }
  if (rc.remote_write.enabled && configuredClients(cfg).size === 0) {
    throw new Error(
      'invalid ruler config: invalid ruler remote-write config: remote-write enabled but no clients are configured',
    );
  }
  // Client settings are checked now, as Loki's config validation does, rather than at a tenant's first sync.
  try {
    tenantRemoteClients(cfg, '', cfg.limits_config);
    alertmanagerEndpoints(rc.alertmanager_url, rc.enable_alertmanager_v2);
  } catch (err) {
    throw new Error(`invalid ruler config: ${(err as Error).message}`);
  }

  let ownStore: Store | undefined;
  let engine = deps.engine;
  if (!engine) {
    if (!deps.store) ownStore = await createStore(cfg, { registry: deps.registry, logger });
    engine = createRulerEngine(cfg, deps.limits, (deps.store ?? ownStore)!, deps.ingester);
  }
  const queryEngine = engine;

  const externalLabels = labelsFromRecord(rc.external_labels);
  const settings: ManagerSettings = {
    evaluationIntervalMs: rc.evaluation_interval,
    rulePath: rc.rule_path,
    externalLabels,
    externalURL: rc.external_url,
    datasourceUID: rc.datasource_uid,
    resendDelayMs: rc.resend_delay,
  };

  const abort = new AbortController();
  const services = new Map<string, { signature: string; value: TenantServices }>();
  const servicesFor = (user: string): TenantServices => {
    const limits = deps.limits(user);
    const override = limits.ruler_alertmanager_config;
    const am: AlertmanagerBlock = override.alertmanager_url !== '' ? override : rc;
    const remote = tenantRemoteClients(cfg, user, limits);
    const signature = JSON.stringify([am, remote.map((r) => ({ ...r, url: r.url.href }))]);
    const cached = services.get(user);
    if (cached && cached.signature === signature) return cached.value;
    if (cached) void stopServices(cached.value);
    const value: TenantServices = {
      query: engineQueryFunc({ engine: queryEngine, tenant: user, signal: abort.signal }),
      notifier:
        am.alertmanager_url !== '' ? new Notifier(user, notifierConfig(am, externalLabels), metrics, logger) : null,
      writer: remote.length > 0 ? new RemoteWriter(user, remote, metrics, logger) : null,
    };
    services.set(user, { signature, value });
    return value;
  };
  const stopServices = async (s: TenantServices): Promise<void> => {
    await s.notifier?.stop();
    await s.writer?.stop();
  };

  let manager: MultiTenantManager;
  const metrics = new RulerMetrics(deps.registry, {
    disableRuleGroupLabel: rc.disable_rule_group_label,
    groups: () => manager.views(),
  });
  manager = new MultiTenantManager({
    settings,
    metrics,
    services: servicesFor,
    logger,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });

  if (rc.enable_api) {
    registerRulerRoutes(deps.router, {
      store,
      tenants: deps.tenants,
      groupsOf: (user) => manager.groupsOf(user),
      limits: deps.limits,
    });
  }

  const syncRules = async (reason: 'initial' | 'periodic'): Promise<void> => {
    metrics.syncRulesTotal.inc({ reason });
    let all: Map<string, RuleGroupDesc[]>;
    try {
      all = await store.listAllRuleGroups();
    } catch (err) {
      logger.error('unable to list rules', { err: (err as Error).message });
      return;
    }
    for (const user of [...all.keys()]) {
      if (!tenantAllowed(cfg, user)) all.delete(user);
    }
    await manager.sync(all);
    // Tenants whose rules are gone no longer need their notifier or remote writer.
    for (const [user, s] of services) {
      if (all.has(user)) continue;
      services.delete(user);
      await stopServices(s.value);
    }
  };

  metrics.syncRulesTotal.inc({ reason: 'periodic' }, 0);
  await syncRules('initial');
  let polling: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (polling) return;
    polling = syncRules('periodic')
      .catch((err) => logger.error('syncing rules failed', { err: (err as Error).message }))
      .finally(() => {
        polling = null;
      });
  }, rc.poll_interval);
  timer.unref();
  logger.info('ruler up and running');

  let stopping: Promise<void> | null = null;
  const ruler: Ruler = {
    store,
    manager,
    syncRules,
    stop() {
      stopping ??= stopAll();
      return stopping;
    },
  };
  const stopAll = async (): Promise<void> => {
    clearInterval(timer);
    await polling;
    await manager.stop();
    abort.abort();
    for (const s of services.values()) await stopServices(s.value);
    services.clear();
    await store.stop();
    await ownStore?.stop();
  };
  deps.stopWith?.once('close', () => {
    ruler.stop().catch((err) => logger.error('stopping the ruler failed', { err: (err as Error).message }));
  });
  return ruler;
}
