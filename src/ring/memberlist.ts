// The `memberlist` ring store: Skald processes gossip their rings to each
// other, with Loki's `memberlist` settings and dskit's semantics (values are
// merged with the ring's CRDT rules, so every process converges on the same
// ring without a coordinator). The transport is Skald's own, over gRPC on
// `memberlist.bind_port` (proto/skald/memberlist.proto); only Skald
// processes take part:
//
// - join: a full state exchange (push-pull) with the `join_members` peers,
//   retried with backoff (min/max_join_backoff, max_join_retries);
// - broadcast: every change, local or learned, is sent to `gossip_nodes`
//   random live members each `gossip_interval`, retransmitted up to
//   retransmit_factor * ceil(log10(members + 1)) times, and passed on by
//   those that did not know it yet;
// - anti-entropy: a push-pull with one random member each
//   `pull_push_interval`, and with the seeds again when no member is known;
// - failure detection: a member whose calls fail is not gossiped to; one not
//   heard from for `gossip_to_dead_nodes_time` is forgotten; a member leaving
//   gracefully says so and is dropped at once;
// - LEFT ring entries are kept `left_ingesters_timeout` so that removals
//   reach everyone, then dropped.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type ChannelOptions, Client, credentials, type ServiceError, status as Status } from '@grpc/grpc-js';
import { Counter, Gauge, type Registry } from 'prom-client';
import { methodSpec, serviceDefinition } from '../server/grpc/proto.js';
import { GrpcServer, grpcError } from '../server/grpc/server.js';
import type { Logger } from '../util/log.js';
import { joinHostPort, resolveJoinMembers } from './addr.js';
import { KVValues, type RingKV } from './kv.js';
import { type InstanceDesc, type RingDesc, STATE_CODES, stateFromCode } from './model.js';

interface InstanceMsg {
  id: string;
  addr: string;
  timestamp: number;
  state: number;
  tokens: number[];
  zone: string;
  registeredTimestamp: number;
}

interface MemberMsg {
  name: string;
  addr: string;
  state: number;
}

interface GossipMsg {
  clusterLabel: string;
  from?: MemberMsg | null;
  members: MemberMsg[];
  values: Array<{ key: string; ingesters: InstanceMsg[] }>;
}

// biome-ignore lint/complexity/noBannedTypes: the empty message has no fields.
type AckMsg = {};

const FILE = 'memberlist.proto';
const PKG = 'skald.memberlist.v1';
const Methods = {
  PushPull: methodSpec<GossipMsg, GossipMsg>(
    FILE,
    PKG,
    'Memberlist',
    'PushPull',
    'GossipMessage',
    'GossipMessage',
    false,
  ),
  Broadcast: methodSpec<GossipMsg, AckMsg>(FILE, PKG, 'Memberlist', 'Broadcast', 'GossipMessage', 'Ack', false),
};

const MEMBER_ALIVE = 0;
const MEMBER_LEFT = 1;

export interface MemberlistOptions {
  /** memberlist.node_name (or the host name), made unique when randomize_node_name. */
  nodeName: string;
  randomizeNodeName: boolean;
  bindAddr: string;
  bindPort: number;
  /** Address other members reach this one at; empty: the bind address, else `defaultAdvertiseAddr`. */
  advertiseAddr: string;
  advertisePort: number;
  defaultAdvertiseAddr: string;
  joinMembers: readonly string[];
  clusterLabel: string;
  clusterLabelVerificationDisabled: boolean;
  gossipIntervalMs: number;
  gossipNodes: number;
  pushPullIntervalMs: number;
  retransmitFactor: number;
  streamTimeoutMs: number;
  gossipToDeadNodesTimeMs: number;
  leftIngestersTimeoutMs: number;
  leaveTimeoutMs: number;
  broadcastTimeoutOnShutdownMs: number;
  minJoinBackoffMs: number;
  maxJoinBackoffMs: number;
  maxJoinRetries: number;
  abortIfJoinFails: boolean;
  rejoinIntervalMs: number;
  rejoinSeedNodes: readonly string[];
  /** grpc-js options for the gossip server and clients. */
  channelOptions: ChannelOptions;
}

type MemberState = 'alive' | 'suspect';

interface Member {
  name: string;
  addr: string;
  state: MemberState;
  lastSeenMs: number;
  /** Consecutive failed calls. */
  failures: number;
}

export interface MemberView {
  name: string;
  addr: string;
  state: MemberState | 'self';
  lastSeenMs: number;
}

interface Metrics {
  members: Gauge;
  kvKeys: Gauge;
  queue: Gauge;
  tombstones: Gauge;
  receivedBroadcasts: Counter;
  invalidBroadcasts: Counter;
  pushes: Counter;
  pulls: Counter;
  casAttempts: Counter;
  casSuccess: Counter;
  casFailures: Counter;
}

function metrics(registry: Registry): Metrics {
  const r = [registry];
  const p = 'loki_memberlist_client_';
  return {
    members: new Gauge({
      name: `${p}cluster_members_count`,
      help: 'Number of members in memberlist cluster',
      registers: r,
    }),
    kvKeys: new Gauge({ name: `${p}kv_store_count`, help: 'Number of values in KV Store', registers: r }),
    queue: new Gauge({
      name: `${p}messages_in_broadcast_queue`,
      help: 'Number of user messages in the broadcast queue',
      registers: r,
    }),
    tombstones: new Gauge({
      name: `${p}kv_store_value_tombstones`,
      help: 'Number of tombstones currently present in KV store values',
      registers: r,
    }),
    receivedBroadcasts: new Counter({
      name: `${p}received_broadcasts_total`,
      help: 'Number of received broadcast user messages',
      registers: r,
    }),
    invalidBroadcasts: new Counter({
      name: `${p}received_broadcasts_invalid_total`,
      help: 'Number of received broadcast user messages that were invalid. Hopefully 0.',
      registers: r,
    }),
    pushes: new Counter({
      name: `${p}state_pushes_total`,
      help: 'How many times did this node push its full state to another node',
      registers: r,
    }),
    pulls: new Counter({
      name: `${p}state_pulls_total`,
      help: 'How many times did this node pull full state from another node',
      registers: r,
    }),
    casAttempts: new Counter({ name: `${p}cas_attempt_total`, help: 'Attempted CAS operations', registers: r }),
    casSuccess: new Counter({ name: `${p}cas_success_total`, help: 'Successful CAS operations', registers: r }),
    casFailures: new Counter({ name: `${p}cas_failure_total`, help: 'Failed CAS operations', registers: r }),
  };
}

function toMsg(d: RingDesc): InstanceMsg[] {
  return [...d.ingesters.values()].map((i) => ({
    id: i.id,
    addr: i.addr,
    timestamp: i.timestamp,
    state: STATE_CODES[i.state],
    tokens: i.tokens,
    zone: i.zone,
    registeredTimestamp: i.registeredTimestamp,
  }));
}

function fromMsg(list: readonly InstanceMsg[]): RingDesc {
  const d: RingDesc = { ingesters: new Map() };
  for (const m of list) {
    const inst: InstanceDesc = {
      id: m.id,
      addr: m.addr,
      timestamp: Number(m.timestamp),
      state: stateFromCode(m.state),
      tokens: [...m.tokens],
      zone: m.zone,
      registeredTimestamp: Number(m.registeredTimestamp),
    };
    d.ingesters.set(m.id, inst);
  }
  return d;
}

function shuffled<T>(items: readonly T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

export class MemberlistKV implements RingKV {
  readonly name: string;
  readonly advertise: string;
  private readonly store = new KVValues();
  private readonly members = new Map<string, Member>();
  /** Names of members that left recently: not re-added from others' (possibly stale) lists. */
  private readonly left = new Map<string, number>();
  /** Changes waiting to be broadcast, per key, with how often they were sent. */
  private readonly queue = new Map<string, { delta: RingDesc; transmits: number }>();
  private readonly clients = new Map<string, Client>();
  /** Addresses that turned out to be this process (a seed list often names every member). */
  private readonly selfAddrs = new Set<string>();
  private readonly server: GrpcServer;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly m: Metrics;
  private joinAttempts = 0;
  private joining = false;
  private nextJoinMs = 0;
  private lastRejoinMs = Date.now();
  private stopped = false;

  constructor(
    private readonly opts: MemberlistOptions,
    registry: Registry,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    const base = opts.nodeName || hostname();
    this.name = opts.randomizeNodeName ? `${base}-${randomBytes(4).toString('hex')}` : base;
    const host =
      opts.advertiseAddr ||
      (opts.bindAddr && opts.bindAddr !== '0.0.0.0' && opts.bindAddr !== '::' ? opts.bindAddr : '') ||
      opts.defaultAdvertiseAddr;
    const port = opts.advertiseAddr ? opts.advertisePort : opts.bindPort;
    this.advertise = joinHostPort(host, port);
    this.m = metrics(registry);
    this.server = new GrpcServer(opts.bindAddr, opts.bindPort, opts.channelOptions, logger);
    this.server.addService(serviceDefinition(Methods), {
      PushPull: (call: { request: GossipMsg }, cb: (err: Error | null, res?: GossipMsg) => void) => {
        try {
          this.receive(call.request, false);
          this.m.pushes.inc();
          cb(null, this.fullState());
        } catch (err) {
          cb(err as Error);
        }
      },
      Broadcast: (call: { request: GossipMsg }, cb: (err: Error | null, res?: AckMsg) => void) => {
        try {
          this.receive(call.request, true);
          cb(null, {});
        } catch (err) {
          cb(err as Error);
        }
      },
    });
  }

  // --- RingKV ---

  get(key: string): RingDesc | null {
    return this.store.get(key);
  }

  async cas(key: string, f: (current: RingDesc | null) => RingDesc | null): Promise<void> {
    this.m.casAttempts.inc();
    try {
      const change = this.store.casLocal(key, f, this.now());
      if (change) this.enqueue(key, change);
      this.m.casSuccess.inc();
    } catch (err) {
      this.m.casFailures.inc();
      throw err;
    }
  }

  watch(key: string, cb: (value: RingDesc | null) => void): () => void {
    return this.store.watch(key, cb);
  }

  // --- lifecycle ---

  /**
   * Listens, joins the cluster and starts gossiping. The first join round
   * runs before this resolves, so that a restarting instance finds its ring
   * entry; further attempts run in the background unless joining must
   * succeed (abort_if_cluster_join_fails).
   */
  async start(): Promise<number> {
    const port = await this.server.listen();
    if (this.opts.bindPort === 0) {
      const host = this.advertise.slice(0, this.advertise.lastIndexOf(':'));
      (this as { advertise: string }).advertise = `${host}:${port}`;
    }
    this.selfAddrs.add(this.advertise);
    if (this.opts.joinMembers.length > 0) {
      let joined = await this.join(this.opts.joinMembers);
      if (!joined && this.opts.abortIfJoinFails) {
        for (let i = 1; !joined && i < Math.max(1, this.opts.maxJoinRetries); i++) {
          await new Promise((r) => setTimeout(r, this.backoff(i)));
          joined = await this.join(this.opts.joinMembers);
        }
        if (!joined) throw new Error(`memberlist: failed to join any of ${this.opts.joinMembers.join(',')}`);
      }
    }
    const every = (ms: number, fn: () => void) => {
      if (ms > 0) this.timers.push(setInterval(fn, ms).unref());
    };
    every(this.opts.gossipIntervalMs, () => this.gossip());
    every(this.opts.pushPullIntervalMs, () => void this.antiEntropy());
    every(1000, () => this.housekeeping());
    this.updateMetrics();
    return port;
  }

  private backoff(attempt: number): number {
    const ms = this.opts.minJoinBackoffMs * 2 ** Math.max(0, attempt - 1);
    return Math.min(Math.max(ms, 1), Math.max(this.opts.maxJoinBackoffMs, this.opts.minJoinBackoffMs));
  }

  /** A push-pull with every resolvable seed; true when at least one answered. */
  private async join(seeds: readonly string[]): Promise<boolean> {
    const peers = await resolveJoinMembers(seeds, this.opts.bindPort, (entry, err) =>
      this.logger.debug('memberlist: cannot resolve join member', { entry, err }),
    );
    const others = peers.filter((p) => !this.selfAddrs.has(p));
    if (others.length === 0) {
      // Only this member (or nothing) to join: the first member of a cluster; look again later.
      this.joinAttempts++;
      this.nextJoinMs = this.now() + this.backoff(this.joinAttempts);
      return peers.length > 0;
    }
    const results = await Promise.all(others.map((p) => this.pushPull(p)));
    const ok = results.filter(Boolean).length;
    this.joinAttempts = ok > 0 ? 0 : this.joinAttempts + 1;
    if (ok > 0) this.logger.info('memberlist: joined the cluster', { members: this.members.size + 1, via: ok });
    else this.logger.warn('memberlist: could not join any member yet; will retry', { join_members: seeds.join(',') });
    this.nextJoinMs = this.now() + this.backoff(this.joinAttempts);
    return ok > 0;
  }

  /**
   * Leaves the cluster: sends the changes still queued (the ring entry's
   * removal) to every live member, then tells them this member is leaving.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    const live = this.liveMembers();
    if (this.queue.size > 0 && live.length > 0) {
      const msg = this.message(this.queuedValues());
      await Promise.all(
        live.map((m) => this.call(m, 'Broadcast', msg, this.opts.broadcastTimeoutOnShutdownMs).catch(() => false)),
      );
    }
    const leave: GossipMsg = {
      ...this.message([]),
      from: { name: this.name, addr: this.advertise, state: MEMBER_LEFT },
    };
    await Promise.all(live.map((m) => this.call(m, 'Broadcast', leave, this.opts.leaveTimeoutMs).catch(() => false)));
    await this.server.stop(1000);
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  // --- gossip ---

  private message(values: GossipMsg['values']): GossipMsg {
    const members: MemberMsg[] = [{ name: this.name, addr: this.advertise, state: MEMBER_ALIVE }];
    for (const m of this.members.values())
      if (m.state === 'alive') members.push({ name: m.name, addr: m.addr, state: MEMBER_ALIVE });
    return {
      clusterLabel: this.opts.clusterLabel,
      from: { name: this.name, addr: this.advertise, state: MEMBER_ALIVE },
      members,
      values,
    };
  }

  private fullState(): GossipMsg {
    const values: GossipMsg['values'] = [];
    for (const [key, d] of this.store.values) values.push({ key, ingesters: toMsg(d) });
    return this.message(values);
  }

  private queuedValues(): GossipMsg['values'] {
    return [...this.queue].map(([key, q]) => ({ key, ingesters: toMsg(q.delta) }));
  }

  private enqueue(key: string, change: RingDesc): void {
    const q = this.queue.get(key);
    if (q) {
      for (const [id, inst] of change.ingesters) {
        const prev = q.delta.ingesters.get(id);
        if (!prev || prev.timestamp <= inst.timestamp) q.delta.ingesters.set(id, inst);
      }
      q.transmits = 0;
    } else {
      this.queue.set(key, { delta: { ingesters: new Map(change.ingesters) }, transmits: 0 });
    }
    this.m.queue.set(this.queue.size);
  }

  /** Handles a message from another member; `relay` passes news on (broadcasts). */
  private receive(msg: GossipMsg, relay: boolean): void {
    if (!this.opts.clusterLabelVerificationDisabled && msg.clusterLabel !== this.opts.clusterLabel) {
      this.m.invalidBroadcasts.inc();
      throw grpcError(
        Status.FAILED_PRECONDITION,
        `cluster label mismatch: got "${msg.clusterLabel}", this member is in "${this.opts.clusterLabel}"`,
      );
    }
    if (this.stopped) throw grpcError(Status.UNAVAILABLE, 'memberlist: this member is leaving');
    const from = msg.from;
    if (from && from.name !== this.name) {
      if (from.state === MEMBER_LEFT) {
        this.forget(from.name);
        this.left.set(from.name, this.now());
      } else {
        this.left.delete(from.name);
        this.seen(from.name, from.addr);
      }
    }
    for (const m of msg.members) {
      if (m.name === this.name || m.state !== MEMBER_ALIVE || this.left.has(m.name)) continue;
      if (!this.members.has(m.name)) this.addMember(m.name, m.addr);
    }
    if (relay) this.m.receivedBroadcasts.inc();
    const now = this.now();
    for (const v of msg.values) {
      const change = this.store.mergeRemote(v.key, fromMsg(v.ingesters), now);
      if (change && relay) this.enqueue(v.key, change);
    }
    this.updateMetrics();
  }

  private addMember(name: string, addr: string): void {
    // A member restarted under a new name at the same address replaces the old entry.
    for (const [other, m] of this.members) if (m.addr === addr && other !== name) this.forget(other);
    this.members.set(name, { name, addr, state: 'alive', lastSeenMs: this.now(), failures: 0 });
  }

  private seen(name: string, addr: string): void {
    const m = this.members.get(name);
    if (!m || m.addr !== addr) this.addMember(name, addr);
    else {
      m.state = 'alive';
      m.lastSeenMs = this.now();
      m.failures = 0;
    }
  }

  private forget(name: string): void {
    const m = this.members.get(name);
    if (!m) return;
    this.members.delete(name);
    if (![...this.members.values()].some((o) => o.addr === m.addr)) {
      this.clients.get(m.addr)?.close();
      this.clients.delete(m.addr);
    }
  }

  private liveMembers(): Member[] {
    return [...this.members.values()].filter((m) => m.state === 'alive');
  }

  private client(addr: string): Client {
    let c = this.clients.get(addr);
    if (!c) {
      c = new Client(addr, credentials.createInsecure(), this.opts.channelOptions);
      this.clients.set(addr, c);
    }
    return c;
  }

  private rawCall<Res>(addr: string, method: 'PushPull' | 'Broadcast', msg: GossipMsg, timeoutMs: number) {
    const m = Methods[method];
    return new Promise<Res>((resolve, reject) => {
      this.client(addr).makeUnaryRequest(
        m.path,
        m.request.encode,
        m.response.decode as (b: Buffer) => Res,
        msg,
        { deadline: Date.now() + Math.max(1, timeoutMs) },
        (err: ServiceError | null, res?: Res) => (err || res === undefined ? reject(err) : resolve(res)),
      );
    });
  }

  /** A call to a member, tracking its liveness. */
  private async call(member: Member, method: 'PushPull' | 'Broadcast', msg: GossipMsg, timeoutMs: number) {
    try {
      const res = await this.rawCall<GossipMsg | AckMsg>(member.addr, method, msg, timeoutMs);
      if (this.members.get(member.name) === member) {
        member.state = 'alive';
        member.lastSeenMs = this.now();
        member.failures = 0;
      }
      return res;
    } catch (err) {
      if (this.members.get(member.name) === member) {
        member.failures++;
        member.state = 'suspect';
      }
      throw err;
    }
  }

  /** A full state exchange with the peer at `addr`; false when it failed. */
  private async pushPull(addr: string): Promise<boolean> {
    try {
      const res = await this.rawCall<GossipMsg>(addr, 'PushPull', this.fullState(), this.opts.streamTimeoutMs);
      this.m.pulls.inc();
      if (res.from?.name === this.name) {
        this.selfAddrs.add(addr);
        return false;
      }
      this.receive(res, false);
      return true;
    } catch (err) {
      const known = [...this.members.values()].find((m) => m.addr === addr);
      if (known) {
        known.failures++;
        known.state = 'suspect';
      }
      this.logger.debug('memberlist: push-pull failed', { peer: addr, err });
      return false;
    }
  }

  /** One broadcast round: queued changes to `gossip_nodes` random live members. */
  private gossip(): void {
    if (this.stopped || this.queue.size === 0) return;
    const targets = shuffled(this.liveMembers()).slice(0, Math.max(1, this.opts.gossipNodes));
    if (targets.length === 0) return;
    const msg = this.message(this.queuedValues());
    for (const t of targets) void this.call(t, 'Broadcast', msg, this.opts.streamTimeoutMs).catch(() => undefined);
    const limit = this.opts.retransmitFactor * Math.ceil(Math.log10(this.members.size + 2));
    for (const [key, q] of this.queue) if (++q.transmits >= Math.max(1, limit)) this.queue.delete(key);
    this.m.queue.set(this.queue.size);
  }

  /** A push-pull with one random member, or with the seeds when no member is known. */
  private async antiEntropy(): Promise<void> {
    if (this.stopped) return;
    const now = this.now();
    const candidates = [...this.members.values()];
    const rejoin = this.opts.rejoinIntervalMs > 0 && now - this.lastRejoinMs >= this.opts.rejoinIntervalMs;
    if (rejoin) {
      this.lastRejoinMs = now;
      const seeds = this.opts.rejoinSeedNodes.length > 0 ? this.opts.rejoinSeedNodes : this.opts.joinMembers;
      await this.join(seeds);
      return;
    }
    if (candidates.length === 0) return;
    const peer = shuffled(candidates).sort((a, b) => (a.state === b.state ? 0 : a.state === 'alive' ? -1 : 1))[0]!;
    await this.pushPull(peer.addr);
  }

  /** Forgets dead members and old tombstones; rejoins the seeds when alone. */
  private housekeeping(): void {
    if (this.stopped) return;
    const now = this.now();
    for (const m of [...this.members.values()]) {
      if (m.state !== 'alive' && now - m.lastSeenMs > this.opts.gossipToDeadNodesTimeMs) {
        this.logger.info('memberlist: forgetting unreachable member', { member: m.name, addr: m.addr });
        this.forget(m.name);
      }
    }
    for (const [name, at] of this.left) if (now - at > this.opts.gossipToDeadNodesTimeMs) this.left.delete(name);
    if (this.opts.leftIngestersTimeoutMs > 0) this.store.removeOldTombstones(now - this.opts.leftIngestersTimeoutMs);
    // Alone (the seeds were not up yet, or everyone else went away): keep trying the seeds, with backoff.
    if (
      this.liveMembers().length === 0 &&
      this.opts.joinMembers.length > 0 &&
      now >= this.nextJoinMs &&
      !this.joining
    ) {
      this.joining = true;
      void this.join(this.opts.joinMembers).finally(() => {
        this.joining = false;
      });
    }
    this.updateMetrics();
  }

  private updateMetrics(): void {
    this.m.members.set(this.members.size + 1);
    this.m.kvKeys.set(this.store.values.size);
    this.m.tombstones.set(this.store.tombstones());
  }

  /** Members as this process sees them (status page), itself first. */
  memberList(): MemberView[] {
    const out: MemberView[] = [{ name: this.name, addr: this.advertise, state: 'self', lastSeenMs: this.now() }];
    for (const m of [...this.members.values()].sort((a, b) => (a.name < b.name ? -1 : 1)))
      out.push({ name: m.name, addr: m.addr, state: m.state, lastSeenMs: m.lastSeenMs });
    return out;
  }

  keys(): Array<{ key: string; instances: number }> {
    return [...this.store.values].map(([key, d]) => ({ key, instances: d.ingesters.size }));
  }
}
