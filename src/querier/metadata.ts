// Label names, label values and series, from ingester memory and the store
// together, for the labels and series APIs.
import type { Labels } from '../util/labels.js';
import { labelsToString } from '../util/labels.js';
import type { CompiledMatcher } from '../util/matchers.js';
import { NS_PER_MS } from '../util/time.js';
import { isMultiTenant, selectTenants, TENANT_LABEL, tenantLabelled } from './multi-tenant.js';
import type { SourceDeps } from './sources.js';

function msRange(fromNs: bigint, throughNs: bigint): [number, number] {
  return [Number(fromNs / NS_PER_MS), Number((throughNs + NS_PER_MS - 1n) / NS_PER_MS)];
}

export class MetadataQuerier {
  constructor(private readonly sources: SourceDeps) {}

  /** Label names; a cross-tenant query adds `__tenant_id__` when any tenant has streams. */
  async labelNames(
    tenant: string,
    fromNs: bigint,
    throughNs: bigint,
    matchers: readonly CompiledMatcher[],
  ): Promise<string[]> {
    if (!isMultiTenant(tenant)) return this.tenantLabelNames(tenant, fromNs, throughNs, matchers);
    const names = new Set<string>();
    for (const sel of selectTenants(tenant, matchers)) {
      const found = await this.tenantLabelNames(sel.tenant, fromNs, throughNs, sel.matchers);
      if (found.length > 0) names.add(TENANT_LABEL);
      for (const n of found) names.add(n);
    }
    return [...names].sort();
  }

  /** Values of a label; `__tenant_id__` in a cross-tenant query lists the tenants with matching streams. */
  async labelValues(
    tenant: string,
    name: string,
    fromNs: bigint,
    throughNs: bigint,
    matchers: readonly CompiledMatcher[],
  ): Promise<string[]> {
    if (!isMultiTenant(tenant)) return this.tenantLabelValues(tenant, name, fromNs, throughNs, matchers);
    const values = new Set<string>();
    for (const sel of selectTenants(tenant, matchers)) {
      if (name === TENANT_LABEL) {
        if ((await this.tenantLabelNames(sel.tenant, fromNs, throughNs, sel.matchers)).length > 0)
          values.add(sel.tenant);
        continue;
      }
      for (const v of await this.tenantLabelValues(sel.tenant, name, fromNs, throughNs, sel.matchers)) values.add(v);
    }
    return [...values].sort();
  }

  /** Series matching any of the matcher groups (an empty group matches all). */
  async series(
    tenant: string,
    fromNs: bigint,
    throughNs: bigint,
    groups: ReadonlyArray<readonly CompiledMatcher[]>,
  ): Promise<Labels[]> {
    if (!isMultiTenant(tenant)) return this.tenantSeries(tenant, fromNs, throughNs, groups);
    const byKey = new Map<string, Labels>();
    for (const matchers of groups.length > 0 ? groups : [[]]) {
      for (const sel of selectTenants(tenant, matchers)) {
        for (const l of await this.tenantSeries(sel.tenant, fromNs, throughNs, [sel.matchers])) {
          const t = tenantLabelled(l, sel.tenant);
          byKey.set(t.key, t.labels);
        }
      }
    }
    return [...byKey.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, l]) => l);
  }

  /** Label sets of the ingesters' streams: the local ingester's directly, remote ones without their chunks. */
  private async ingesterStreams(
    tenant: string,
    matchers: readonly CompiledMatcher[],
    fromNs: bigint,
    throughNs: bigint,
  ): Promise<ReadonlyArray<{ labels: Labels; key: string }>> {
    const ingester = this.sources.ingester;
    if (!ingester) return [];
    if (ingester.streamLabels) return ingester.streamLabels(tenant, matchers, fromNs, throughNs);
    return ingester.select(tenant, matchers, fromNs, throughNs);
  }

  private async tenantLabelNames(
    tenant: string,
    fromNs: bigint,
    throughNs: bigint,
    matchers: readonly CompiledMatcher[],
  ): Promise<string[]> {
    const names = new Set<string>();
    for (const s of await this.ingesterStreams(tenant, matchers, fromNs, throughNs))
      for (const l of s.labels) names.add(l.name);
    if (this.sources.store) {
      const [from, through] = msRange(fromNs, throughNs);
      for (const n of await this.sources.store.indexReader.labelNames(tenant, from, through, matchers)) names.add(n);
    }
    return [...names].sort();
  }

  private async tenantLabelValues(
    tenant: string,
    name: string,
    fromNs: bigint,
    throughNs: bigint,
    matchers: readonly CompiledMatcher[],
  ): Promise<string[]> {
    const values = new Set<string>();
    for (const s of await this.ingesterStreams(tenant, matchers, fromNs, throughNs)) {
      for (const l of s.labels) if (l.name === name) values.add(l.value);
    }
    if (this.sources.store) {
      const [from, through] = msRange(fromNs, throughNs);
      for (const v of await this.sources.store.indexReader.labelValues(tenant, name, from, through, matchers))
        values.add(v);
    }
    return [...values].sort();
  }

  private async tenantSeries(
    tenant: string,
    fromNs: bigint,
    throughNs: bigint,
    groups: ReadonlyArray<readonly CompiledMatcher[]>,
  ): Promise<Labels[]> {
    const byKey = new Map<string, Labels>();
    for (const matchers of groups.length > 0 ? groups : [[]]) {
      for (const s of await this.ingesterStreams(tenant, matchers, fromNs, throughNs)) byKey.set(s.key, s.labels);
      if (this.sources.store) {
        const [from, through] = msRange(fromNs, throughNs);
        for (const s of await this.sources.store.indexReader.series(tenant, from, through, matchers))
          byKey.set(labelsToString(s.labels), s.labels);
      }
    }
    return [...byKey.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, l]) => l);
  }
}
