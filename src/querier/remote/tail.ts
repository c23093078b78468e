// Live tailing across ingesters in other processes (Loki's querier tailer):
// a tail subscribes to every healthy ingester, and every few seconds
// connects to ingesters that joined since and reconnects to ones whose
// connection broke. With replication each entry arrives from several
// ingesters; entries already delivered (same stream, time, line and
// metadata) are dropped, so a tail sees each entry once.
import type { ClientReadableStream } from '@grpc/grpc-js';
import type { PushEntry } from '../../distributor/push-request.js';
import type { IngesterClientPool } from '../../ingester/remote/client.js';
import { type TailResponseMsg, tailEntries } from '../../ingester/remote/wire.js';
import type { TailSubscriber } from '../../ingester/tail-hub.js';
import type { InstanceDesc } from '../../ring/model.js';
import { Read } from '../../ring/ring.js';
import type { Logger } from '../../util/log.js';
import type { TailSource } from '../tail.js';

/** How often a tail looks for ingesters to (re)connect to (Loki checks every 5 seconds). */
const RECONNECT_PERIOD_MS = 5000;
/** How long a delivered entry is remembered for spotting its copies from other replicas. */
const DEDUP_WINDOW_MS = 10_000;

export interface RingTailSourceDeps {
  ring: { allHealthy(op: typeof Read): InstanceDesc[] };
  pool: IngesterClientPool;
  /** The local ingester's tail hub and its instance id, subscribed without a call. */
  local?: { id: string; source: TailSource };
  logger: Logger;
  reconnectPeriodMs?: number;
}

export class RingTailSource implements TailSource {
  constructor(private readonly deps: RingTailSourceDeps) {}

  subscribe(tenant: string, sub: TailSubscriber): () => void {
    const tail = new RemoteTail(tenant, sub, this.deps);
    tail.connect();
    return () => tail.close();
  }
}

/** Remembers recent entries in two generations, so memory stays bounded by the window. */
class RecentEntries {
  private current = new Set<string>();
  private previous = new Set<string>();
  private rotatedAt = Date.now();

  /** True the first time an entry is seen within the window. */
  firstTime(id: string): boolean {
    const now = Date.now();
    if (now - this.rotatedAt > DEDUP_WINDOW_MS / 2) {
      this.previous = this.current;
      this.current = new Set();
      this.rotatedAt = now;
    }
    if (this.current.has(id) || this.previous.has(id)) return false;
    this.current.add(id);
    return true;
  }
}

function entryId(key: string, e: PushEntry): string {
  let id = `${key}\u0000${e.sec}.${e.nanos}\u0000${e.line.toString('latin1')}`;
  for (const l of e.structuredMetadata) id += `\u0000${l.name}=${l.value}`;
  return id;
}

class RemoteTail {
  private readonly calls = new Map<string, ClientReadableStream<TailResponseMsg>>();
  private localUnsubscribe: (() => void) | null = null;
  private readonly recent = new RecentEntries();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly tenant: string,
    private readonly sub: TailSubscriber,
    private readonly deps: RingTailSourceDeps,
  ) {
    this.timer = setInterval(() => this.connect(), deps.reconnectPeriodMs ?? RECONNECT_PERIOD_MS);
    this.timer.unref();
  }

  private deliver(labels: TailResponseMsg['streams'][number]['labels'], key: string, entries: PushEntry[]): void {
    const fresh = entries.filter((e) => this.recent.firstTime(entryId(key, e)));
    if (fresh.length > 0) this.sub.onEntries(labels, key, fresh);
  }

  /** Subscribes to every healthy ingester not subscribed to yet. */
  connect(): void {
    if (this.closed) return;
    const { local, pool, logger } = this.deps;
    for (const inst of this.deps.ring.allHealthy(Read)) {
      if (local && inst.id === local.id) {
        this.localUnsubscribe ??= local.source.subscribe(this.tenant, {
          matchers: this.sub.matchers,
          onEntries: (labels, key, entries) => this.deliver(labels, key, tailEntries(entries)),
        });
        continue;
      }
      if (this.calls.has(inst.addr)) continue;
      const call = pool.get(inst.addr).tail(this.tenant, this.sub.matchers);
      this.calls.set(inst.addr, call);
      call.on('data', (msg: TailResponseMsg) => {
        for (const s of msg.streams) this.deliver(s.labels, s.key, tailEntries(s.entries));
      });
      const drop = (err?: Error) => {
        if (this.calls.get(inst.addr) === call) this.calls.delete(inst.addr);
        if (err && !this.closed) logger.debug('tail: ingester connection ended', { ingester: inst.addr, err });
      };
      call.on('error', drop);
      call.on('end', () => drop());
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.localUnsubscribe?.();
    for (const call of this.calls.values()) call.cancel();
    this.calls.clear();
  }
}
