// An ingester's membership in the ring (dskit's Lifecycler): it registers
// the instance, claims tokens and becomes ACTIVE, heartbeats, and on shutdown
// turns LEAVING (writes stop coming, reads still do), lets the ingester
// flush, and leaves the ring.
//
// A restarted instance that finds its own entry keeps its tokens, so it owns
// the same streams again; one that finds its tokens file does the same.
// Readiness follows dskit: the instance owns tokens, the ring is healthy
// (when readiness_check_ring_health) and `min_ready_duration` has passed
// since that first held.
import type { Logger } from '../util/log.js';
import type { RingKV } from './kv.js';
import { cloneRing, emptyRing, type InstanceDesc, type InstanceState, nextTimestamp, type RingDesc } from './model.js';
import { isHeartbeatHealthy } from './ring.js';
import { generateTokens, loadTokensFile, storeTokensFile } from './tokens.js';

export interface LifecyclerOptions {
  id: string;
  /** host:port others reach this instance at. */
  addr: string;
  zone: string;
  ringKey: string;
  numTokens: number;
  heartbeatPeriodMs: number;
  heartbeatTimeoutMs: number;
  joinAfterMs: number;
  minReadyDurationMs: number;
  readinessCheckRingHealth: boolean;
  unregisterOnShutdown: boolean;
  tokensFilePath: string;
}

export interface Clock {
  now(): number;
}

const systemClock: Clock = { now: Date.now };

export class Lifecycler {
  private stateValue: InstanceState = 'PENDING';
  private tokens: number[] = [];
  private registeredAt = 0;
  private startedAt = 0;
  private readySince = 0;
  private ready = false;
  private timers: NodeJS.Timeout[] = [];
  private joinTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly opts: LifecyclerOptions,
    private readonly kv: RingKV,
    private readonly logger: Logger,
    private readonly clock: Clock = systemClock,
  ) {}

  get id(): string {
    return this.opts.id;
  }

  get addr(): string {
    return this.opts.addr;
  }

  get state(): InstanceState {
    return this.stateValue;
  }

  get tokenCount(): number {
    return this.tokens.length;
  }

  /**
   * Registers the instance (adopting its entry or tokens file when there is
   * one), joins after `join_after` when it had no tokens, and heartbeats.
   * `timers: false` leaves the periodic work to the caller (tests drive it).
   */
  async start(timers = true): Promise<void> {
    this.startedAt = this.clock.now();
    const fromFile = this.opts.tokensFilePath ? await loadTokensFile(this.opts.tokensFilePath) : [];
    await this.initRing(fromFile);
    if (!timers) return;
    // heartbeat_period 0 disables heartbeats (as in Loki); the entry then ages out of health.
    if (this.opts.heartbeatPeriodMs > 0)
      this.timers.push(setInterval(() => void this.heartbeat(), this.opts.heartbeatPeriodMs).unref());
    if (this.stateValue === 'PENDING') {
      this.joinTimer = setTimeout(() => void this.autoJoin(), this.opts.joinAfterMs);
      this.joinTimer.unref();
    }
  }

  private async initRing(fromFile: number[]): Promise<void> {
    const now = this.clock.now();
    await this.kv.cas(this.opts.ringKey, (cur) => {
      const d = cur ?? emptyRing();
      const existing = d.ingesters.get(this.opts.id);
      if (!existing) {
        this.registeredAt = now;
        if (fromFile.length > 0) {
          // Tokens from the file: take them back and serve at once, as dskit does.
          this.tokens = [...fromFile].sort((a, b) => a - b);
          this.stateValue = 'ACTIVE';
        } else {
          this.stateValue = 'PENDING';
        }
        d.ingesters.set(this.opts.id, this.entry(undefined, now));
        return d;
      }
      this.registeredAt = existing.registeredTimestamp || now;
      this.tokens = [...existing.tokens];
      // A crash while JOINING starts over; one while LEAVING (or any other state) resumes as ACTIVE when it has tokens.
      if (existing.state === 'JOINING' || this.tokens.length === 0) this.stateValue = 'PENDING';
      else this.stateValue = 'ACTIVE';
      if (this.stateValue === 'PENDING') this.tokens = [];
      this.logger.info('existing instance found in ring', {
        state: existing.state,
        tokens: existing.tokens.length,
        ring: this.opts.ringKey,
      });
      d.ingesters.set(this.opts.id, this.entry(existing, now));
      return d;
    });
    if (this.tokens.length > 0) await this.saveTokens();
  }

  private entry(prev: InstanceDesc | undefined, now: number): InstanceDesc {
    return {
      id: this.opts.id,
      addr: this.opts.addr,
      timestamp: nextTimestamp(prev, now),
      state: this.stateValue,
      tokens: [...this.tokens],
      zone: this.opts.zone,
      registeredTimestamp: this.registeredAt,
    };
  }

  /** Writes this instance's current state into the ring (also its heartbeat). */
  private async update(): Promise<void> {
    const now = this.clock.now();
    await this.kv.cas(this.opts.ringKey, (cur) => {
      const d = cur ? cloneRing(cur) : emptyRing();
      d.ingesters.set(this.opts.id, this.entry(d.ingesters.get(this.opts.id), now));
      return d;
    });
  }

  /** One heartbeat: refreshes the entry's timestamp (re-adding it if someone forgot it). */
  async heartbeat(): Promise<void> {
    if (this.stateValue === 'LEFT') return;
    try {
      await this.update();
    } catch (err) {
      this.logger.warn('failed to heartbeat the ring', { ring: this.opts.ringKey, err });
    }
  }

  /** Claims `num_tokens` tokens nobody else owns and becomes ACTIVE (when still PENDING). */
  async autoJoin(): Promise<void> {
    if (this.stateValue !== 'PENDING') return;
    const taken: number[] = [];
    const ring = this.kv.get(this.opts.ringKey);
    for (const ing of ring?.ingesters.values() ?? []) if (ing.id !== this.opts.id) taken.push(...ing.tokens);
    this.tokens = generateTokens(this.opts.numTokens, taken);
    this.stateValue = 'ACTIVE';
    this.logger.info('instance joined the ring', { id: this.opts.id, tokens: this.tokens.length });
    await this.update();
    await this.saveTokens();
  }

  private async saveTokens(): Promise<void> {
    if (!this.opts.tokensFilePath) return;
    try {
      await storeTokensFile(this.opts.tokensFilePath, this.tokens);
    } catch (err) {
      this.logger.warn('error storing tokens to disk', { path: this.opts.tokensFilePath, err });
    }
  }

  /**
   * Why the instance is not ready yet, or null: dskit's CheckReady, latched
   * once it passed.
   */
  notReadyReason(): string | null {
    if (this.ready) return null;
    const reason = this.ringProblem();
    if (reason) {
      this.readySince = 0;
      return reason;
    }
    const now = this.clock.now();
    if (this.readySince === 0) this.readySince = now;
    if (now - this.readySince < this.opts.minReadyDurationMs)
      return `waiting for ${this.opts.minReadyDurationMs / 1000}s after being ready`;
    this.ready = true;
    return null;
  }

  private ringProblem(): string | null {
    if (this.tokens.length === 0) return 'this instance owns no tokens';
    const ring = this.kv.get(this.opts.ringKey);
    const now = this.clock.now();
    const check = (ing: InstanceDesc): string | null => {
      if (!isHeartbeatHealthy(ing, this.opts.heartbeatTimeoutMs, now))
        return `instance ${ing.addr} past heartbeat timeout`;
      if (ing.state !== 'ACTIVE') return `instance ${ing.addr} in state ${ing.state}`;
      return null;
    };
    if (this.opts.readinessCheckRingHealth) {
      let tokens = 0;
      for (const ing of ring?.ingesters.values() ?? []) {
        const p = check(ing);
        if (p) return p;
        tokens += ing.tokens.length;
      }
      return tokens === 0 ? 'no tokens in ring' : null;
    }
    const self = ring?.ingesters.get(this.opts.id);
    return self ? check(self) : `instance ${this.opts.id} not found in the ring`;
  }

  /** Turns LEAVING: distributors stop writing here, queriers still read. */
  async leaving(): Promise<void> {
    if (this.stateValue === 'LEAVING' || this.stateValue === 'LEFT') return;
    if (this.joinTimer) clearTimeout(this.joinTimer);
    this.stateValue = 'LEAVING';
    await this.heartbeat();
  }

  /**
   * Leaves the ring after the ingester flushed: the entry is removed when
   * `unregister_on_shutdown`, else left LEAVING for the instance to resume.
   */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.joinTimer) clearTimeout(this.joinTimer);
    if (this.stateValue === 'LEFT') return;
    if (!this.opts.unregisterOnShutdown) {
      await this.leaving();
      return;
    }
    this.stateValue = 'LEFT';
    await this.kv.cas(this.opts.ringKey, (cur) => {
      if (!cur) return null;
      const d = cloneRing(cur);
      d.ingesters.delete(this.opts.id);
      return d;
    });
    this.logger.info('instance removed from the ring', { id: this.opts.id, ring: this.opts.ringKey });
  }

  /** How long this instance has been running (status pages). */
  uptimeMs(): number {
    return this.clock.now() - this.startedAt;
  }

  /** The ring as this process sees it. */
  ring(): RingDesc | null {
    return this.kv.get(this.opts.ringKey);
  }
}
