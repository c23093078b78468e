// Where rings live: a key-value store of ring descriptions (dskit's kv.Client,
// narrowed to ring values). `inmemory` keeps them in this process (one
// process, or tests); `memberlist` (memberlist.ts) gossips them among Skald
// processes. Writers change a value with `cas`, readers `watch` it.
import { cloneRing, mergeRing, type RingDesc, removeTombstones, withoutTombstones } from './model.js';

export interface RingKV {
  /** The current value of a key without tombstones, or null when the key is unknown. */
  get(key: string): RingDesc | null;
  /**
   * Changes a key: `f` gets a copy of the current value (null when absent) and
   * returns the complete new value, or null to leave it alone. Instances the
   * new value lacks become LEFT tombstones, so removals propagate.
   */
  cas(key: string, f: (current: RingDesc | null) => RingDesc | null): Promise<void>;
  /** Calls `cb` with the new value (without tombstones) after every change; returns the unsubscribe function. */
  watch(key: string, cb: (value: RingDesc | null) => void): () => void;
}

/** Keeps values and notifies watchers; shared by the in-memory and gossiping stores. */
export class KVValues {
  readonly values = new Map<string, RingDesc>();
  private readonly watchers = new Map<string, Set<(value: RingDesc | null) => void>>();

  get(key: string): RingDesc | null {
    const v = this.values.get(key);
    return v ? withoutTombstones(v) : null;
  }

  /** Applies a local change; returns the changed entries (to broadcast) or null. */
  casLocal(key: string, f: (current: RingDesc | null) => RingDesc | null, nowMs: number): RingDesc | null {
    const stored = this.values.get(key);
    const out = f(stored ? withoutTombstones(cloneRing(stored)) : null);
    if (!out) return null;
    const target = stored ?? { ingesters: new Map() };
    const change = mergeRing(target, out, true, nowMs);
    if (!stored) this.values.set(key, target);
    if (change) this.notify(key);
    return change;
  }

  /** Merges a value received from another process; returns what changed here, or null. */
  mergeRemote(key: string, incoming: RingDesc, nowMs: number): RingDesc | null {
    let stored = this.values.get(key);
    if (!stored) {
      stored = { ingesters: new Map() };
      this.values.set(key, stored);
    }
    const change = mergeRing(stored, incoming, false, nowMs);
    if (change) this.notify(key);
    return change;
  }

  /** Drops tombstones older than `limitMs` from every value. */
  removeOldTombstones(limitMs: number): void {
    for (const v of this.values.values()) removeTombstones(v, limitMs);
  }

  tombstones(): number {
    let n = 0;
    for (const v of this.values.values()) for (const ing of v.ingesters.values()) if (ing.state === 'LEFT') n++;
    return n;
  }

  watch(key: string, cb: (value: RingDesc | null) => void): () => void {
    let set = this.watchers.get(key);
    if (!set) {
      set = new Set();
      this.watchers.set(key, set);
    }
    set.add(cb);
    return () => set.delete(cb);
  }

  private notify(key: string): void {
    const set = this.watchers.get(key);
    if (!set || set.size === 0) return;
    const value = this.get(key);
    for (const cb of set) cb(value);
  }
}

/** The `inmemory` store: rings shared by the components of one process. */
export class InMemoryKV implements RingKV {
  private readonly store = new KVValues();

  constructor(private readonly now: () => number = Date.now) {}

  get(key: string): RingDesc | null {
    return this.store.get(key);
  }

  async cas(key: string, f: (current: RingDesc | null) => RingDesc | null): Promise<void> {
    this.store.casLocal(key, f, this.now());
    // Nobody else reads the tombstones of a process-local store.
    const v = this.store.values.get(key);
    if (v) removeTombstones(v, 0);
  }

  watch(key: string, cb: (value: RingDesc | null) => void): () => void {
    return this.store.watch(key, cb);
  }
}
