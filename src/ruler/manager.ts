// The per-tenant rule managers (Loki's DefaultMultiTenantManager and the
// Prometheus rules.Manager it runs per tenant): rule groups read from the
// store are mapped to rule files under rule_path, and each tenant's running
// groups are replaced when their definition changes, keeping alert state.

import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { queryEscape } from '../logql/template/urlcodec.js';
import { goJSON } from '../util/go-json.js';
import type { Labels } from '../util/labels.js';
import type { Logger } from '../util/log.js';
import type { QueryFunc } from './evaluator.js';
import { type Clock, Group } from './group.js';
import { type GroupCounters, type GroupView, newGroupCounters, type RulerMetrics } from './metrics.js';
import type { Notifier, NotifierAlert } from './notifier.js';
import type { RemoteWriter } from './remote-write.js';
import { formatRuleFileYaml, type RuleGroupDesc } from './rule-group.js';
import type { Alert } from './rules.js';

export interface ManagerSettings {
  evaluationIntervalMs: number;
  /** ruler.rule_path: where tenants' rule files are mapped. */
  rulePath: string;
  externalLabels: Labels;
  externalURL: string;
  datasourceUID: string;
  resendDelayMs: number;
}

/** What a tenant's groups talk to; built per tenant by the ruler. */
export interface TenantServices {
  query: QueryFunc;
  notifier: Notifier | null;
  writer: RemoteWriter | null;
}

export interface ManagerDeps {
  settings: ManagerSettings;
  metrics: RulerMetrics;
  services(user: string): TenantServices;
  logger: Logger;
  clock?: Clock;
}

/** Go's url.PathEscape: the namespace as one path segment of a rule file name. */
export function pathEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~$&+:=@]/.test(c)) out += c;
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The Grafana Explore link Loki puts in an alert's generatorURL. */
export function generatorURL(externalURL: string, expr: string, datasourceUID: string): string {
  const query: Record<string, unknown> = { expr, queryType: 'range' };
  if (datasourceUID !== '') query.datasource = { type: 'loki', uid: datasourceUID };
  const json = goJSON(query);
  return `${externalURL}/explore?left=${queryEscape(`{"queries":[${json}]}`)}`;
}

/** Loki's SendAlerts: a rule's alerts as Alertmanager alerts. */
export function toNotifierAlerts(alerts: readonly Alert[], expr: string, s: ManagerSettings): NotifierAlert[] {
  const url = generatorURL(s.externalURL, expr, s.datasourceUID);
  return alerts.map((a) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAtMs: a.firedAtMs,
    endsAtMs: a.resolvedAtMs !== 0 ? a.resolvedAtMs : a.validUntilMs,
    generatorURL: url,
  }));
}

/** One tenant's running groups. */
class TenantManager {
  readonly groups = new Map<string, Group>();
  private readonly counters = new Map<string, GroupCounters>();
  /** Rule file contents by namespace, as last written. */
  private files = new Map<string, string>();

  constructor(
    readonly user: string,
    private readonly deps: ManagerDeps,
    private services: TenantServices,
  ) {}

  get dir(): string {
    return join(this.deps.settings.rulePath, this.user);
  }

  /** Writes the tenant's rule files; true when any changed (Loki's mapper.MapRules). */
  async mapRules(groups: readonly RuleGroupDesc[]): Promise<boolean> {
    const byNs = new Map<string, RuleGroupDesc[]>();
    for (const g of groups) byNs.set(g.namespace, [...(byNs.get(g.namespace) ?? []), g]);
    const next = new Map<string, string>();
    for (const [ns, list] of byNs) {
      next.set(ns, formatRuleFileYaml([...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))));
    }
    await mkdir(this.dir, { recursive: true });
    let changed = false;
    for (const [ns, text] of next) {
      if (this.files.get(ns) === text) continue;
      await writeFile(join(this.dir, pathEscape(ns)), text);
      changed = true;
    }
    const keep = new Set([...next.keys()].map(pathEscape));
    for (const name of await readdir(this.dir)) {
      if (keep.has(name)) continue;
      await rm(join(this.dir, name), { force: true, recursive: true });
      changed = true;
    }
    this.files = next;
    return changed;
  }

  /** Replaces changed groups, keeping alert state; starts new ones and stops removed ones. */
  async update(descs: readonly RuleGroupDesc[], services: TenantServices): Promise<void> {
    this.services = services;
    const { settings } = this.deps;
    const next = new Map<string, Group>();
    for (const desc of descs) {
      const file = join(this.dir, pathEscape(desc.namespace));
      const key = `${file};${desc.name}`;
      const counters = this.counters.get(key) ?? newGroupCounters();
      this.counters.set(key, counters);
      const group = new Group(desc, file, settings.evaluationIntervalMs, {
        user: this.user,
        query: (q, ts) => this.services.query(q, ts),
        notify: (expr, alerts) => this.services.notifier?.send(toNotifierAlerts(alerts, expr, settings)),
        append: (samples) => this.services.writer?.append(samples),
        resendDelayMs: settings.resendDelayMs,
        externalLabels: settings.externalLabels,
        externalURL: settings.externalURL,
        counters,
        observeRuleDuration: (s) => this.deps.metrics.evalDuration.observe({ user: this.user }, s),
        observeGroupDuration: (s) => this.deps.metrics.iterationDuration.observe({ user: this.user }, s),
        logger: this.deps.logger.child({ user: this.user, group: desc.name, file }),
        ...(this.deps.clock ? { clock: this.deps.clock } : {}),
      });
      next.set(key, group);
    }
    const stops: Promise<void>[] = [];
    for (const [key, group] of next) {
      const old = this.groups.get(key);
      if (old && old.signature === group.signature) {
        next.set(key, old);
        continue;
      }
      if (old) {
        stops.push(old.stop(false));
        group.copyState(old);
      }
      group.start();
    }
    for (const [key, old] of this.groups) {
      if (next.has(key)) continue;
      stops.push(old.stop(true));
      this.counters.delete(key);
    }
    this.groups.clear();
    for (const [k, g] of next) this.groups.set(k, g);
    await Promise.all(stops);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.groups.values()].map((g) => g.stop(true)));
    this.groups.clear();
    await rm(this.dir, { recursive: true, force: true });
  }
}

export class MultiTenantManager {
  private readonly tenants = new Map<string, TenantManager>();
  private syncing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ManagerDeps) {}

  /** Brings the running groups in line with the store's (Loki's SyncRuleGroups); calls are serialised. */
  sync(ruleGroups: ReadonlyMap<string, readonly RuleGroupDesc[]>): Promise<void> {
    const run = this.syncing.then(() => this.doSync(ruleGroups));
    this.syncing = run.catch(() => undefined);
    return run;
  }

  private async doSync(ruleGroups: ReadonlyMap<string, readonly RuleGroupDesc[]>): Promise<void> {
    const m = this.deps.metrics;
    for (const [user, groups] of ruleGroups) {
      let tenant = this.tenants.get(user);
      const exists = tenant !== undefined;
      try {
        tenant ??= new TenantManager(user, this.deps, this.deps.services(user));
        const changed = await tenant.mapRules(groups);
        if (exists && !changed) {
          // Services (notifier, remote write) follow runtime overrides even when the rules stay.
          await tenant.update(groups, this.deps.services(user));
          continue;
        }
        m.configUpdatesTotal.inc({ user });
        this.tenants.set(user, tenant);
        await tenant.update(groups, this.deps.services(user));
        m.configLastReloadSuccessful.set({ user }, 1);
        m.configLastReloadSuccessfulSeconds.set({ user }, Date.now() / 1000);
      } catch (err) {
        m.configLastReloadSuccessful.set({ user }, 0);
        this.deps.logger.error('unable to update rule manager', { user, err: (err as Error).message });
      }
    }
    for (const [user, tenant] of this.tenants) {
      if (ruleGroups.has(user)) continue;
      this.tenants.delete(user);
      await tenant.stop();
      m.removeUser(user);
      this.deps.logger.info('deleted rule manager and local rule files', { user });
    }
    m.managersTotal.set(this.tenants.size);
  }

  /** A tenant's running groups, in namespace then name order. */
  groupsOf(user: string): Group[] {
    const t = this.tenants.get(user);
    if (!t) return [];
    return [...t.groups.values()].sort((a, b) =>
      a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }

  users(): string[] {
    return [...this.tenants.keys()];
  }

  *views(): Iterable<GroupView> {
    for (const t of this.tenants.values()) for (const g of t.groups.values()) yield g.view();
  }

  async stop(): Promise<void> {
    await this.syncing;
    for (const t of this.tenants.values()) await t.stop();
    this.tenants.clear();
    this.deps.metrics.managersTotal.set(0);
  }
}
