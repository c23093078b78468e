// Live tailing on the write side: every entry a stream accepts is offered to
// the tailers of its tenant whose selector matches the stream. Matching is
// decided once per stream and tailer, and remembered.
import type { PushEntry } from '../distributor/push-request.js';
import type { Labels } from '../util/labels.js';
import type { CompiledMatcher } from '../util/matchers.js';

export interface TailSubscriber {
  readonly matchers: readonly CompiledMatcher[];
  /** Called synchronously on the push path: copy what you keep (lines are views of the request). */
  onEntries(labels: Labels, key: string, entries: readonly PushEntry[]): void;
}

interface TenantTails {
  subscribers: Set<TailSubscriber>;
  /** stream key -> subscribers matching it */
  matches: Map<string, TailSubscriber[]>;
}

function matchesAll(sub: TailSubscriber, labels: Labels): boolean {
  for (const m of sub.matchers) {
    let value = '';
    for (const l of labels) {
      if (l.name === m.name) {
        value = l.value;
        break;
      }
    }
    if (!m.matches(value)) return false;
  }
  return true;
}

export class TailHub {
  private readonly tenants = new Map<string, TenantTails>();

  /** Registers a tailer; returns the function that removes it. */
  subscribe(tenant: string, sub: TailSubscriber): () => void {
    let t = this.tenants.get(tenant);
    if (!t) {
      t = { subscribers: new Set(), matches: new Map() };
      this.tenants.set(tenant, t);
    }
    t.subscribers.add(sub);
    t.matches.clear();
    return () => {
      const cur = this.tenants.get(tenant);
      if (!cur) return;
      cur.subscribers.delete(sub);
      cur.matches.clear();
      if (cur.subscribers.size === 0) this.tenants.delete(tenant);
    };
  }

  count(tenant: string): number {
    return this.tenants.get(tenant)?.subscribers.size ?? 0;
  }

  get active(): boolean {
    return this.tenants.size > 0;
  }

  notify(tenant: string, labels: Labels, key: string, entries: readonly PushEntry[]): void {
    const t = this.tenants.get(tenant);
    if (!t || entries.length === 0) return;
    let subs = t.matches.get(key);
    if (!subs) {
      subs = [...t.subscribers].filter((s) => matchesAll(s, labels));
      t.matches.set(key, subs);
    }
    for (const s of subs) s.onEntries(labels, key, entries);
  }
}
