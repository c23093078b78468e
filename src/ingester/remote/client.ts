// Calling ingesters in other processes: one gRPC channel per ingester
// address, reused by every call (grpc-js multiplexes calls over its HTTP/2
// connection and reconnects with backoff), each call with a deadline. The
// pool drops channels of addresses that left the ring (Loki's client pool).
import {
  type ChannelOptions,
  Client,
  type ClientReadableStream,
  credentials,
  type ServiceError,
  status as Status,
} from '@grpc/grpc-js';
import type { PushEntry } from '../../distributor/push-request.js';
import { fromServiceError, isServiceError, RemoteCallError } from '../../server/grpc/server.js';
import type { Labels } from '../../util/labels.js';
import type { LabelMatcher } from '../../util/matchers.js';
import {
  decodeSelectResponse,
  IngesterMethods,
  type RemoteStream,
  type SelectRequestMsg,
  type TailRequestMsg,
  type TailResponseMsg,
  toTimestamp,
} from './wire.js';

export interface SelectArgs {
  tenant: string;
  matchers: readonly LabelMatcher[];
  fromNs: bigint;
  throughNs: bigint;
}

function selectRequest(a: SelectArgs): SelectRequestMsg {
  return {
    tenant: a.tenant,
    matchers: a.matchers.map((m) => ({ name: m.name, op: m.op, value: m.value })),
    from: toTimestamp(a.fromNs),
    through: toTimestamp(a.throughNs),
  };
}

/** The calls Skald makes to one remote ingester. */
export class IngesterGrpcClient {
  private readonly client: Client;
  /** When a call last failed for want of a connection (0: it works, as far as we know). */
  unavailableSinceMs = 0;

  constructor(
    readonly addr: string,
    options: ChannelOptions,
  ) {
    // A channel of its own: connection backoff state is not shared with a replaced client.
    this.client = new Client(addr, credentials.createInsecure(), { ...options, 'grpc.use_local_subchannel_pool': 1 });
  }

  private ok(): void;
  private ok<T>(value: T): T;
  private ok<T>(value?: T): T | undefined {
    this.unavailableSinceMs = 0;
    return value;
  }

  private callError(err: unknown): Error {
    if (isServiceError(err)) {
      if (err.code === Status.UNAVAILABLE && this.unavailableSinceMs === 0) this.unavailableSinceMs = Date.now();
      return fromServiceError(err, this.addr);
    }
    return err instanceof Error ? err : new Error(String(err));
  }

  push(
    tenant: string,
    streams: ReadonlyArray<{ key: string; labels: Labels; entries: readonly PushEntry[] }>,
    timeoutMs: number,
  ): Promise<void> {
    const m = IngesterMethods.Push;
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        m.path,
        m.request.encode,
        m.response.decode,
        { tenant, streams },
        { deadline: Date.now() + timeoutMs },
        (err: ServiceError | null) => (err ? reject(this.callError(err)) : resolve(this.ok())),
      );
    });
  }

  /** In-memory chunks of the matching streams; a stream's chunks may come in several messages. */
  select(args: SelectArgs, timeoutMs: number, signal?: AbortSignal): Promise<RemoteStream[]> {
    const m = IngesterMethods.Select;
    return new Promise((resolve, reject) => {
      const call = this.client.makeServerStreamRequest(
        m.path,
        m.request.encode,
        m.response.decode,
        selectRequest(args),
        {
          deadline: Date.now() + timeoutMs,
        },
      );
      const byKey = new Map<string, RemoteStream>();
      const onAbort = () => call.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      call.on('data', (msg) => {
        for (const s of decodeSelectResponse(msg)) {
          const prev = byKey.get(s.key);
          if (prev) prev.chunks.push(...s.chunks);
          else byKey.set(s.key, s);
        }
      });
      call.on('error', (err) => {
        signal?.removeEventListener('abort', onAbort);
        reject(this.callError(err));
      });
      call.on('end', () => {
        signal?.removeEventListener('abort', onAbort);
        this.ok();
        resolve([...byKey.values()]);
      });
    });
  }

  series(args: SelectArgs, timeoutMs: number): Promise<Array<{ key: string; labels: Labels }>> {
    const m = IngesterMethods.Series;
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        m.path,
        m.request.encode,
        m.response.decode,
        selectRequest(args),
        { deadline: Date.now() + timeoutMs },
        (err, res) => (err || !res ? reject(this.callError(err)) : resolve(this.ok(res.streams))),
      );
    });
  }

  /** Opens a live tail; the caller reads `data` events and cancels the call to stop. */
  tail(tenant: string, matchers: readonly LabelMatcher[]): ClientReadableStream<TailResponseMsg> {
    const m = IngesterMethods.Tail;
    const req: TailRequestMsg = { tenant, matchers: matchers.map((x) => ({ name: x.name, op: x.op, value: x.value })) };
    return this.client.makeServerStreamRequest(m.path, m.request.encode, m.response.decode, req, {});
  }

  close(): void {
    this.client.close();
  }
}

/** How long a client whose calls found no connection is kept before a fresh one replaces it. */
const RECONNECT_AFTER_MS = 500;

/** One client per ingester address, created on first use. */
export class IngesterClientPool {
  private readonly clients = new Map<string, { client: IngesterGrpcClient; lastUsedMs: number }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: ChannelOptions,
    /** ingester_client.pool_config.client_cleanup_period */
    cleanupPeriodMs: number,
    /** Addresses still in the ring; clients of others are closed. */
    private readonly known: () => ReadonlySet<string>,
  ) {
    if (cleanupPeriodMs > 0) this.timer = setInterval(() => this.cleanup(), cleanupPeriodMs).unref();
  }

  get(addr: string): IngesterGrpcClient {
    let e = this.clients.get(addr);
    // A channel that could not connect backs off for up to connect_backoff_max_delay; an ingester
    // restarting at the same address should not wait that long, so a new channel tries again soon.
    if (e && e.client.unavailableSinceMs > 0 && Date.now() - e.client.unavailableSinceMs >= RECONNECT_AFTER_MS) {
      e.client.close();
      this.clients.delete(addr);
      e = undefined;
    }
    if (!e) {
      e = { client: new IngesterGrpcClient(addr, this.options), lastUsedMs: Date.now() };
      this.clients.set(addr, e);
    }
    e.lastUsedMs = Date.now();
    return e.client;
  }

  /** Closes the clients of ingesters no longer in the ring. */
  cleanup(): void {
    const known = this.known();
    for (const [addr, e] of this.clients) {
      if (known.has(addr)) continue;
      e.client.close();
      this.clients.delete(addr);
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const e of this.clients.values()) e.client.close();
    this.clients.clear();
  }
}

export { RemoteCallError };
