// Label names, label values and series, from ingester memory and the store
// together, for the labels and series APIs.
import type { Labels } from '../util/labels.js';
import { labelsToString } from '../util/labels.js';
import type { CompiledMatcher } from '../util/matchers.js';
import { NS_PER_MS } from '../util/time.js';
import type { SourceDeps } from './sources.js';

function msRange(fromNs: bigint, throughNs: bigint): [number, number] {
  return [Number(fromNs / NS_PER_MS), Number((throughNs + NS_PER_MS - 1n) / NS_PER_MS)];
}

export class MetadataQuerier {
  constructor(private readonly sources: SourceDeps) {}

  async labelNames(
    tenant: string,
    fromNs: bigint,
    throughNs: bigint,
    matchers: readonly CompiledMatcher[],
  ): Promise<string[]> {
    const names = new Set<string>();
    for (const s of this.sources.ingester?.select(tenant, matchers, fromNs, throughNs) ?? [])
      for (const l of s.labels) names.add(l.name);
    if (this.sources.store) {
      const [from, through] = msRange(fromNs, throughNs);
      for (const n of await this.sources.store.indexReader.labelNames(tenant, from, through, matchers)) names.add(n);
    }
    return [...names].sort();
  }

  async labelValues(
    tenant: string,
    name: string,
    fromNs: bigint,
    throughNs: bigint,
    matchers: readonly CompiledMatcher[],
  ): Promise<string[]> {
    const values = new Set<string>();
    for (const s of this.sources.ingester?.select(tenant, matchers, fromNs, throughNs) ?? []) {
      for (const l of s.labels) if (l.name === name) values.add(l.value);
    }
    if (this.sources.store) {
      const [from, through] = msRange(fromNs, throughNs);
      for (const v of await this.sources.store.indexReader.labelValues(tenant, name, from, through, matchers))
        values.add(v);
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
    const byKey = new Map<string, Labels>();
    for (const matchers of groups.length > 0 ? groups : [[]]) {
      for (const s of this.sources.ingester?.select(tenant, matchers, fromNs, throughNs) ?? [])
        byKey.set(s.key, s.labels);
      if (this.sources.store) {
        const [from, through] = msRange(fromNs, throughNs);
        for (const s of await this.sources.store.indexReader.series(tenant, from, through, matchers))
          byKey.set(labelsToString(s.labels), s.labels);
      }
    }
    return [...byKey.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, l]) => l);
  }
}
