// A memcached client speaking the text protocol over node:net, as Loki's
// client (gomemcache) does: one `get k1 k2 ...` per server for many keys,
// `set` per value, a pool of idle connections per server, a deadline on every
// connect and request, keys spread over servers by jump consistent hashing
// (or crc32 modulo without `consistent_hash`), and a circuit breaker per
// server so that a dead server costs one failed connect, not a timeout on
// every query.
//
// memjs, the usual Node client, speaks the binary protocol and has no
// multi-get: a results-cache lookup reads hundreds of keys (one per split
// interval), which would be hundreds of round trips. The text protocol's
// multi-get is small enough to implement and test here against a real
// memcached.
//
// The server list can change while the client runs (DNS discovery,
// discovery.ts): servers that stay keep their idle connections and breaker
// state, removed ones are closed. With no server at all every key misses.
import { connect, type LookupFunction, type Socket } from 'node:net';
import { crc32 } from 'node:zlib';

export class MemcachedError extends Error {
  override name = 'MemcachedError';
}

export interface MemcachedClientOptions {
  /** `host:port` of each server at the start; setServers replaces them. */
  servers: readonly string[];
  /** How host names are resolved when connecting; absent: the system's lookup. */
  lookup?: LookupFunction;
  /** Deadline of a connect and of each request (memcached_client.timeout). */
  timeoutMs: number;
  /** Idle connections kept per server (memcached_client.max_idle_conns). */
  maxIdleConns: number;
  /** Jump consistent hashing rather than crc32 modulo (memcached_client.consistent_hash). */
  consistentHash: boolean;
  /** Consecutive failures that open a server's breaker; 0 disables it. */
  breakerFailures: number;
  /** How long an open breaker refuses requests before letting one through. */
  breakerTimeoutMs: number;
  /**
   * While the breaker is closed, its failure count restarts every this many
   * ms (gobreaker's Interval, memcached_client.circuit_breaker_interval); 0 never.
   */
  breakerIntervalMs?: number;
}

/** Reads one response from the bytes received so far; null until it is complete. */
type Parser<T> = (buf: Buffer) => { value: T; used: number } | null;

const CRLF = Buffer.from('\r\n');

/** One connection: a request at a time, its reply parsed as bytes arrive. */
class Connection {
  private buf: Buffer = Buffer.alloc(0);
  private pending: {
    parse: Parser<unknown>;
    resolve: (v: unknown) => void;
    reject: (e: Error) => void;
    timer: NodeJS.Timeout;
  } | null = null;
  broken = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new MemcachedError('connection closed')));
  }

  static open(host: string, port: number, timeoutMs: number, lookup?: LookupFunction): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect(lookup ? { host, port, noDelay: true, lookup } : { host, port, noDelay: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new MemcachedError(`connect to ${host}:${port} timed out after ${timeoutMs}ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new Connection(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      });
    });
  }

  request<T>(command: Buffer, parse: Parser<T>, timeoutMs: number): Promise<T> {
    if (this.broken) return Promise.reject(new MemcachedError('connection is broken'));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(new MemcachedError(`request timed out after ${timeoutMs}ms`)),
        timeoutMs,
      );
      this.pending = { parse, resolve: resolve as (v: unknown) => void, reject, timer };
      this.socket.write(command);
    });
  }

  close(): void {
    this.broken = true;
    this.socket.destroy();
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    const p = this.pending;
    if (!p) {
      // Bytes nobody asked for: the stream is out of step; never reuse it.
      this.fail(new MemcachedError('unexpected data from server'));
      return;
    }
    let done: { value: unknown; used: number } | null;
    try {
      done = p.parse(this.buf);
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    if (!done) return;
    this.buf = this.buf.subarray(done.used);
    clearTimeout(p.timer);
    this.pending = null;
    if (this.buf.length > 0) this.fail(new MemcachedError('unexpected data from server'));
    p.resolve(done.value);
  }

  private fail(err: Error): void {
    const first = !this.broken;
    this.broken = true;
    if (first) this.socket.destroy();
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    clearTimeout(p.timer);
    p.reject(err);
  }
}

/** A reply line that reports an error (`ERROR`, `CLIENT_ERROR ...`, `SERVER_ERROR ...`). */
function errorLine(line: string): MemcachedError | null {
  if (line === 'ERROR' || line.startsWith('CLIENT_ERROR') || line.startsWith('SERVER_ERROR'))
    return new MemcachedError(`memcached: ${line}`);
  return null;
}

/** Parses the reply to `get k1 k2 ...`: VALUE blocks up to END. */
export function parseGetReply(buf: Buffer): { value: Map<string, Buffer>; used: number } | null {
  const found = new Map<string, Buffer>();
  let pos = 0;
  for (;;) {
    const eol = buf.indexOf(CRLF, pos);
    if (eol < 0) return null;
    const line = buf.toString('latin1', pos, eol);
    if (line === 'END') return { value: found, used: eol + 2 };
    if (!line.startsWith('VALUE ')) {
      throw errorLine(line) ?? new MemcachedError(`memcached: unexpected reply ${JSON.stringify(line)}`);
    }
    const parts = line.split(' ');
    const bytes = Number(parts[3]);
    if (parts.length < 4 || !Number.isInteger(bytes) || bytes < 0)
      throw new MemcachedError(`memcached: malformed VALUE line ${JSON.stringify(line)}`);
    const data = eol + 2;
    if (buf.length < data + bytes + 2) return null;
    // A copy: the receive buffer is reused for later replies.
    found.set(parts[1]!, Buffer.from(buf.subarray(data, data + bytes)));
    pos = data + bytes + 2;
  }
}

/** Parses the one-line reply to `set`. */
export function parseStoreReply(buf: Buffer): { value: undefined; used: number } | null {
  const eol = buf.indexOf(CRLF);
  if (eol < 0) return null;
  const line = buf.toString('latin1', 0, eol);
  if (line === 'STORED') return { value: undefined, used: eol + 2 };
  throw errorLine(line) ?? new MemcachedError(`memcached: ${line}`);
}

/** Splits `host:port` or `[v6]:port`. */
export function parseAddress(address: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(address) ?? /^([^:]+):(\d+)$/.exec(address);
  if (!m) throw new Error(`invalid memcached address ${JSON.stringify(address)}: expected host:port`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** Jump consistent hash (Lamping and Veach): the bucket in [0, buckets) of a 64-bit key. */
export function jumpHash(key: bigint, buckets: number): number {
  let b = -1;
  let j = 0;
  let k = key;
  while (j < buckets) {
    b = j;
    k = BigInt.asUintN(64, k * 2862933555777941757n + 1n);
    j = Math.floor(((b + 1) * 2 ** 31) / Number((k >> 33n) + 1n));
  }
  return b;
}

class Server {
  readonly host: string;
  readonly port: number;
  private readonly idle: Connection[] = [];
  private failures = 0;
  private openUntil = 0;
  /** When the closed breaker's current counting interval began. */
  private countingSince = Date.now();
  /** Removed from the server list: connections still in use are closed when released. */
  private closed = false;

  constructor(
    readonly address: string,
    private readonly opts: MemcachedClientOptions,
  ) {
    ({ host: this.host, port: this.port } = parseAddress(address));
  }

  async run<T>(command: Buffer, parse: Parser<T>): Promise<T> {
    const { timeoutMs, breakerFailures } = this.opts;
    if (breakerFailures > 0 && Date.now() < this.openUntil)
      throw new MemcachedError(`memcached ${this.address}: circuit breaker is open`);
    let conn: Connection | undefined;
    try {
      conn = this.idle.pop();
      // An idle connection the server has closed meanwhile is dropped, not used.
      while (conn?.broken) conn = this.idle.pop();
      conn ??= await Connection.open(this.host, this.port, timeoutMs, this.opts.lookup);
      const value = await conn.request(command, parse, timeoutMs);
      this.failures = 0;
      this.release(conn);
      return value;
    } catch (err) {
      conn?.close();
      // A server's error reply (the connection stays in step) says nothing about its health.
      if (!(err instanceof MemcachedError && err.message.startsWith('memcached: '))) this.recordFailure();
      throw err instanceof Error && !(err instanceof MemcachedError)
        ? new MemcachedError(`memcached ${this.address}: ${err.message}`)
        : err;
    }
  }

  private recordFailure(): void {
    const now = Date.now();
    const { breakerFailures, breakerTimeoutMs, breakerIntervalMs = 0 } = this.opts;
    // Failures spread thinly over time (no success between them) should not open the breaker at last.
    if (breakerIntervalMs > 0 && now >= this.openUntil && now - this.countingSince >= breakerIntervalMs) {
      this.failures = 0;
      this.countingSince = now;
    }
    this.failures++;
    if (breakerFailures > 0 && this.failures > breakerFailures) {
      this.openUntil = now + breakerTimeoutMs;
      // Counting starts afresh once the breaker lets requests through again.
      this.countingSince = this.openUntil;
    }
  }

  private release(conn: Connection): void {
    if (!this.closed && !conn.broken && this.idle.length < this.opts.maxIdleConns) this.idle.push(conn);
    else conn.close();
  }

  close(): void {
    this.closed = true;
    for (const c of this.idle.splice(0)) c.close();
  }
}

export class MemcachedClient {
  private servers: Server[] = [];

  constructor(private readonly opts: MemcachedClientOptions) {
    this.setServers(opts.servers);
  }

  get serverCount(): number {
    return this.servers.length;
  }

  /** The current server addresses, sorted. */
  get addresses(): string[] {
    return this.servers.map((s) => s.address);
  }

  /**
   * Replaces the server list. Sorted, as Loki sorts it, so that every process
   * maps a key to the same server whatever order DNS returned. Servers that
   * stay keep their connections and breaker; removed ones are closed.
   */
  setServers(addresses: readonly string[]): void {
    const sorted = [...new Set(addresses)].sort();
    const byAddress = new Map(this.servers.map((s) => [s.address, s]));
    this.servers = sorted.map((a) => byAddress.get(a) ?? new Server(a, this.opts));
    const kept = new Set(sorted);
    for (const [address, server] of byAddress) if (!kept.has(address)) server.close();
  }

  /** The server a key lives on; null without servers. */
  pick(key: string): string | null {
    return this.serverFor(key)?.address ?? null;
  }

  private serverFor(key: string): Server | undefined {
    const n = this.servers.length;
    if (n <= 1) return this.servers[0];
    if (this.opts.consistentHash) {
      const h = /^[0-9a-f]{16}$/.test(key) ? BigInt(`0x${key}`) : BigInt(crc32(key));
      return this.servers[jumpHash(h, n)]!;
    }
    return this.servers[crc32(key) % n]!;
  }

  /** Values of the keys found; one `get` per server involved, all in parallel (gomemcache's GetMulti). */
  async getMulti(keys: readonly string[]): Promise<Map<string, Buffer>> {
    const byServer = new Map<Server, string[]>();
    for (const k of keys) {
      const s = this.serverFor(k);
      // No server known (yet): every key misses.
      if (!s) continue;
      const list = byServer.get(s);
      if (list) list.push(k);
      else byServer.set(s, [k]);
    }
    const replies = await Promise.allSettled(
      [...byServer].map(([server, ks]) => server.run(Buffer.from(`get ${ks.join(' ')}\r\n`, 'latin1'), parseGetReply)),
    );
    // A server that fails costs only its own keys; the call fails when every server did.
    const found = new Map<string, Buffer>();
    let failure: PromiseRejectedResult | undefined;
    for (const r of replies) {
      if (r.status === 'fulfilled') for (const [k, v] of r.value) found.set(k, v);
      else failure = r;
    }
    if (failure && found.size === 0 && replies.every((r) => r.status === 'rejected')) throw failure.reason;
    return found;
  }

  /** Stores a value; `expirationSec` 0 never expires, above 30 days is sent as an absolute time (memcached's rule). */
  async set(key: string, value: Buffer, expirationSec: number): Promise<void> {
    const exp = expirationSec > 30 * 86_400 ? Math.floor(Date.now() / 1000) + expirationSec : expirationSec;
    const server = this.serverFor(key);
    // No server known (yet): the value is dropped, as a miss would later be.
    if (!server) return;
    const head = Buffer.from(`set ${key} 0 ${exp} ${value.length}\r\n`, 'latin1');
    await server.run(Buffer.concat([head, value, CRLF]), parseStoreReply);
  }

  close(): void {
    for (const s of this.servers) s.close();
  }
}
