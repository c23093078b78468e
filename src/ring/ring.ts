// A read view of a ring (dskit's ring.Ring): which instances hold a key, and
// which instances a read must ask, with dskit's health rules and errors. The
// view follows the key-value store: every change rebuilds the sorted token
// table that lookups search.
import { Gauge, type Registry } from 'prom-client';
import type { RingKV } from './kv.js';
import {
  countOwnedTokens,
  emptyRing,
  type InstanceDesc,
  type InstanceState,
  type RingDesc,
  ringTokens,
} from './model.js';

/** Which states an operation may use an instance in, and which states extend the replica set. */
export interface Operation {
  readonly name: string;
  readonly healthy: ReadonlySet<InstanceState>;
  readonly extendOn: (s: InstanceState) => boolean;
}

const never = () => false;

/** Writes that pick one more instance for every one that is not ACTIVE. */
export const Write: Operation = { name: 'write', healthy: new Set(['ACTIVE']), extendOn: (s) => s !== 'ACTIVE' };
/** Writes to the first replication_factor instances only (what Loki's distributor uses). */
export const WriteNoExtend: Operation = { name: 'write-no-extend', healthy: new Set(['ACTIVE']), extendOn: never };
/** Reads: ACTIVE, PENDING and LEAVING instances answer. */
export const Read: Operation = {
  name: 'read',
  healthy: new Set(['ACTIVE', 'PENDING', 'LEAVING']),
  extendOn: (s) => s !== 'ACTIVE' && s !== 'LEAVING',
};
/** Health as reported on the status page and in metrics: any state, heartbeat only. */
export const Reporting: Operation = {
  name: 'reporting',
  healthy: new Set(['ACTIVE', 'LEAVING', 'PENDING', 'JOINING', 'LEFT']),
  extendOn: never,
};

export class RingError extends Error {
  override name = 'RingError';
}

export const ERR_EMPTY_RING = 'empty ring';
export const ERR_TOO_MANY_UNHEALTHY = 'too many unhealthy instances in the ring';

export interface ReplicationSet {
  instances: InstanceDesc[];
  /** How many of the instances may fail with the operation still succeeding. */
  maxErrors: number;
}

export interface RingOptions {
  replicationFactor: number;
  heartbeatTimeoutMs: number;
  /** Used in the `name` label of the ring metrics (Loki: "ingester"). */
  name: string;
  now?: () => number;
}

/** Whether an instance may serve an operation: a state the operation accepts and a recent heartbeat. */
export function isHealthy(ing: InstanceDesc, op: Operation, heartbeatTimeoutMs: number, nowMs: number): boolean {
  return op.healthy.has(ing.state) && isHeartbeatHealthy(ing, heartbeatTimeoutMs, nowMs);
}

export function isHeartbeatHealthy(ing: InstanceDesc, heartbeatTimeoutMs: number, nowMs: number): boolean {
  // As Loki documents heartbeat_timeout: 0 disables the check.
  if (heartbeatTimeoutMs <= 0) return true;
  return nowMs - ing.timestamp <= heartbeatTimeoutMs;
}

/** Index of the first token greater than `key`, wrapping to 0 (dskit's searchToken). */
export function searchToken(tokens: Uint32Array, key: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[mid]! <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo >= tokens.length ? 0 : lo;
}

/** A snapshot of a ring with its token table, answering lookups (pure; the Ring class keeps one current). */
export class RingSnapshot {
  readonly tokens: Uint32Array;
  readonly owners: string[];

  constructor(
    readonly desc: RingDesc,
    private readonly opts: RingOptions,
  ) {
    const t = ringTokens(desc);
    this.tokens = t.tokens;
    this.owners = t.owners;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /**
   * The instances holding `key` for `op`: the owners of the next tokens
   * clockwise, replication_factor distinct ones (more when `op` extends the
   * set), without unhealthy ones; fails when fewer than a quorum are left.
   */
  get(key: number, op: Operation): ReplicationSet {
    if (this.tokens.length === 0) throw new RingError(ERR_EMPTY_RING);
    let size = this.opts.replicationFactor;
    const maxInstances = this.desc.ingesters.size;
    const seen = new Set<string>();
    const instances: InstanceDesc[] = [];
    const n = this.tokens.length;
    let i = searchToken(this.tokens, key >>> 0);
    for (let iter = 0; seen.size < Math.min(maxInstances, size) && iter < n; iter++, i = (i + 1) % n) {
      const id = this.owners[i]!;
      if (seen.has(id)) continue;
      seen.add(id);
      const ing = this.desc.ingesters.get(id)!;
      if (op.extendOn(ing.state)) size++;
      instances.push(ing);
    }
    return this.filter(instances, op);
  }

  /** dskit's default replication strategy: quorum of max(RF, set size), unhealthy instances removed. */
  private filter(instances: InstanceDesc[], op: Operation): ReplicationSet {
    const rf = Math.max(this.opts.replicationFactor, instances.length);
    const minSuccess = Math.floor(rf / 2) + 1;
    const now = this.now();
    const healthy: InstanceDesc[] = [];
    const unhealthy: string[] = [];
    for (const ing of instances) {
      if (isHealthy(ing, op, this.opts.heartbeatTimeoutMs, now)) healthy.push(ing);
      else unhealthy.push(ing.addr);
    }
    if (healthy.length < minSuccess) {
      const which = unhealthy.length > 0 ? ` - unhealthy instances: ${unhealthy.join(',')}` : '';
      throw new RingError(`at least ${minSuccess} live replicas required, could only find ${healthy.length}${which}`);
    }
    return { instances: healthy, maxErrors: healthy.length - minSuccess };
  }

  /**
   * Every healthy instance, for operations that must ask all of them (reads):
   * at most replication_factor/2 instances may be unhealthy or fail.
   */
  replicationSetForOperation(op: Operation): ReplicationSet {
    if (this.tokens.length === 0) throw new RingError(ERR_EMPTY_RING);
    const now = this.now();
    const healthy: InstanceDesc[] = [];
    for (const ing of this.desc.ingesters.values())
      if (isHealthy(ing, op, this.opts.heartbeatTimeoutMs, now)) healthy.push(ing);
    const rf = this.opts.replicationFactor;
    const required = Math.max(this.desc.ingesters.size, rf) - Math.floor(rf / 2);
    if (healthy.length < required) throw new RingError(ERR_TOO_MANY_UNHEALTHY);
    return { instances: healthy, maxErrors: healthy.length - required };
  }

  /** Every healthy instance, with no quorum requirement (tail connections). */
  allHealthy(op: Operation): InstanceDesc[] {
    const now = this.now();
    return [...this.desc.ingesters.values()].filter((ing) => isHealthy(ing, op, this.opts.heartbeatTimeoutMs, now));
  }
}

const UNHEALTHY = 'Unhealthy';
const REPORTED_STATES = [UNHEALTHY, 'ACTIVE', 'LEAVING', 'PENDING', 'JOINING'];

/** The ring kept current from the key-value store, with dskit's ring metrics. */
export class Ring {
  private snap: RingSnapshot;
  private unwatch: (() => void) | null = null;
  private readonly members?: Gauge;
  private readonly tokensTotal?: Gauge;
  private readonly oldest?: Gauge;

  constructor(
    private readonly kv: RingKV,
    readonly key: string,
    readonly opts: RingOptions,
    registry?: Registry,
  ) {
    this.snap = new RingSnapshot(emptyRing(), opts);
    if (registry) {
      const constLabels = { name: opts.name };
      this.members = gauge(registry, 'loki_ring_members', 'Number of members in the ring', ['name', 'state'], () =>
        this.updateMetrics(),
      );
      this.tokensTotal = gauge(registry, 'loki_ring_tokens_total', 'Number of tokens in the ring', ['name']);
      this.oldest = gauge(
        registry,
        'loki_ring_oldest_member_timestamp',
        'Timestamp of the oldest member in the ring.',
        ['name', 'state'],
      );
      for (const s of REPORTED_STATES) this.members.set({ ...constLabels, state: s }, 0);
    }
  }

  start(): void {
    this.update(this.kv.get(this.key));
    this.unwatch = this.kv.watch(this.key, (d) => this.update(d));
  }

  stop(): void {
    this.unwatch?.();
    this.unwatch = null;
  }

  private update(desc: RingDesc | null): void {
    this.snap = new RingSnapshot(desc ?? emptyRing(), this.opts);
    this.updateMetrics();
  }

  /** Recomputes the gauges (also called before /metrics is scraped, since health changes with time). */
  updateMetrics(): void {
    if (!this.members) return;
    const now = (this.opts.now ?? Date.now)();
    const counts = new Map<string, number>(REPORTED_STATES.map((s) => [s, 0]));
    const oldest = new Map<string, number>(REPORTED_STATES.map((s) => [s, 0]));
    for (const ing of this.snap.desc.ingesters.values()) {
      const s = isHeartbeatHealthy(ing, this.opts.heartbeatTimeoutMs, now) ? ing.state : UNHEALTHY;
      counts.set(s, (counts.get(s) ?? 0) + 1);
      const ts = Math.floor(ing.timestamp / 1000);
      const cur = oldest.get(s) ?? 0;
      if (cur === 0 || ts < cur) oldest.set(s, ts);
    }
    const name = this.opts.name;
    for (const [state, n] of counts) this.members.set({ name, state }, n);
    for (const [state, ts] of oldest) this.oldest!.set({ name, state }, ts);
    this.tokensTotal!.set({ name }, this.snap.tokens.length);
  }

  get snapshot(): RingSnapshot {
    return this.snap;
  }

  get(key: number, op: Operation): ReplicationSet {
    return this.snap.get(key, op);
  }

  replicationSetForOperation(op: Operation): ReplicationSet {
    return this.snap.replicationSetForOperation(op);
  }

  allHealthy(op: Operation): InstanceDesc[] {
    return this.snap.allHealthy(op);
  }

  /** Share of the token space owned per instance (status page). */
  ownership(): Map<string, number> {
    return countOwnedTokens(this.snap.desc);
  }
}

/** A gauge registered once per registry (two rings in a process share the metric, told apart by `name`). */
function gauge(registry: Registry, name: string, help: string, labelNames: string[], collect?: () => void): Gauge {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge;
  return new Gauge({ name, help, labelNames, registers: [registry], ...(collect ? { collect } : {}) });
}
