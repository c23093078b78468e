// Live tailing: `GET /loki/api/v1/tail` over WebSocket. A tail first sends the
// last `limit` entries since `start` (oldest first), then every new entry that
// matches the selector and passes the pipeline, as Loki does: each message
// holds up to 100 entries, each as its own stream; entries a slow client
// cannot take are dropped and reported in `dropped_entries`; a ping goes out
// every second; the tail ends after `tail_max_duration`.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Gauge, type Registry } from 'prom-client';
import { WebSocket, WebSocketServer } from 'ws';
import type { PushEntry } from '../distributor/push-request.js';
import type { TailSubscriber } from '../ingester/tail-hub.js';
import { type CategorizedLabels, categoriesJSON, plainCategories } from '../logql/engine/categorized.js';
import { type EntryPipeline, executeLogQuery, type PipelineCompiler } from '../logql/engine/log-query.js';
import { compileOrBadRequest } from '../logql/engine/plan-errors.js';
import { QueryStats } from '../logql/engine/stats.js';
import { StageCompileError } from '../logql/log/index.js';
import { ParseError, parseExpr, QueryKindError } from '../logql/syntax/index.js';
import { TemplateParseError } from '../logql/template/index.js';
import { categorizeLabelsRequested } from '../server/encoding-flags.js';
import { HttpError } from '../server/http-error.js';
import { bounds, goParseInt, limitParam } from '../server/params.js';
import { type Labels, labelsToString } from '../util/labels.js';
import type { Logger } from '../util/log.js';
import { compileMatcher } from '../util/matchers.js';
import { formatRFC3339Nano, nowNs } from '../util/time.js';
import type { SourceDeps } from './sources.js';

const MAX_DELAY_FOR_SECONDS = 5;
const MAX_ENTRIES_PER_MESSAGE = 100;
const MAX_DROPPED_PER_MESSAGE = 1000;
const PING_PERIOD_MS = 1000;
const FLUSH_PERIOD_MS = 100;
/** Queue length past which new entries are dropped rather than buffered for a slow client. */
const MAX_QUEUED_ENTRIES = 10_000;
/** Bytes the socket may hold unsent before the tail counts the client as slow. */
const MAX_SOCKET_BACKLOG = 4 << 20;

export interface TailLimits {
  max_concurrent_tail_requests: number;
}

/** Where live entries come from: the local ingester's TailHub, or ingesters in other processes. */
export interface TailSource {
  subscribe(tenant: string, sub: TailSubscriber): () => void;
}

export interface TailDeps {
  hub: TailSource;
  sources: SourceDeps;
  compilePipeline: PipelineCompiler;
  limits: (tenant: string) => TailLimits;
  /** querier.tail_max_duration, ms. */
  maxDurationMs: number;
  registry: Registry;
  logger: Logger;
}

export interface TailRequest {
  tenant: string;
  query: string;
  limit: number;
  startNs: bigint;
  delayForSec: number;
  legacy: boolean;
  /**
   * The response encoding flags sent (X-Loki-Response-Encoding-Flags): with
   * categorize-labels each entry's stream holds only stream labels and the
   * entry carries its structured metadata and parsed labels; every message
   * lists the flags at its end.
   */
  encodingFlags?: readonly string[];
}

interface QueuedEntry {
  ts: bigint;
  line: string;
  labels: Labels;
  key: string;
  /** Set when categorizing. */
  categories?: CategorizedLabels;
}

/** Parses the tail parameters with Loki's rules; errors are 400s before the upgrade. */
export function parseTailRequest(
  params: URLSearchParams,
  tenant: string,
  legacy: boolean,
  encodingFlags: readonly string[] = [],
): TailRequest {
  const query = params.get('query') ?? '';
  const limit = limitParam(params);
  const { startNs } = bounds(params);
  let delayForSec = 0;
  const d = params.get('delay_for');
  if (d) {
    const n = goParseInt('Atoi', d);
    if (typeof n === 'string') throw new HttpError(400, n);
    if (n < 0n || n > 4_294_967_295n) throw new HttpError(400, `delay_for value ${n} is out of range [0, 4294967295]`);
    delayForSec = Number(n);
  }
  if (delayForSec > MAX_DELAY_FOR_SECONDS)
    throw new HttpError(400, `delay_for can't be greater than ${MAX_DELAY_FOR_SECONDS}`);
  return { tenant, query, limit, startNs, delayForSec, legacy, encodingFlags };
}

const stageErrors = [StageCompileError, TemplateParseError];

export class TailService {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly active = new Map<string, number>();
  private readonly activeGauge: Gauge;

  constructor(private readonly deps: TailDeps) {
    this.activeGauge = new Gauge({
      name: 'loki_querier_tail_active',
      help: 'Number of active tailers',
      registers: [deps.registry],
    });
  }

  /** Validates and upgrades one tail request; throws HttpError (to be answered before the upgrade). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, tail: TailRequest): void {
    let expr: ReturnType<typeof parseExpr>;
    try {
      expr = parseExpr(tail.query);
    } catch (err) {
      if (err instanceof ParseError || err instanceof QueryKindError) throw new HttpError(400, err.message);
      throw err;
    }
    if (expr.kind !== 'log_selector') throw new HttpError(400, 'only log selector is supported');
    const selector = expr;
    const max = this.deps.limits(tail.tenant).max_concurrent_tail_requests;
    const count = (this.active.get(tail.tenant) ?? 0) + 1;
    if (max > 0 && count > max)
      throw new HttpError(400, `max concurrent tail requests limit exceeded, count > limit (${count} > ${max})`);
    // Categorizing runs even an empty pipeline: it files structured metadata under its category.
    const pipeline =
      selector.stages.length > 0 || categorizes(tail)
        ? compileOrBadRequest(() => this.deps.compilePipeline(selector.stages), stageErrors)
        : null;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.active.set(tail.tenant, (this.active.get(tail.tenant) ?? 0) + 1);
      this.activeGauge.inc();
      const session = new TailSession(ws, tail, selector.matchers.map(compileMatcher), pipeline, this.deps);
      session.done.finally(() => {
        const n = (this.active.get(tail.tenant) ?? 1) - 1;
        if (n > 0) this.active.set(tail.tenant, n);
        else this.active.delete(tail.tenant);
        this.activeGauge.dec();
      });
      void session.start(selector);
    });
  }

  close(): void {
    for (const ws of this.wss.clients) ws.close(1001, 'server shutting down');
    this.wss.close();
  }
}

class TailSession {
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private readonly queue: QueuedEntry[] = [];
  private dropped: Array<{ labels: Labels; ts: bigint }> = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | null = null;
  private closed = false;
  private readonly perStream = new Map<string, ReturnType<EntryPipeline['forStream']>>();
  private readonly categorize: boolean;

  constructor(
    private readonly ws: WebSocket,
    private readonly req: TailRequest,
    private readonly matchers: ReturnType<typeof compileMatcher>[],
    private readonly pipeline: EntryPipeline | null,
    private readonly deps: TailDeps,
  ) {
    this.done = new Promise((r) => {
      this.resolveDone = r;
    });
    this.categorize = categorizes(req);
  }

  async start(selector: Parameters<typeof executeLogQuery>[0]['selector']): Promise<void> {
    this.ws.on('close', () => this.finish());
    this.ws.on('error', () => this.finish());
    // Live entries are collected from now on; history is sent first.
    this.unsubscribe = this.deps.hub.subscribe(this.req.tenant, {
      matchers: this.matchers,
      onEntries: (l, k, e) => this.onEntries(l, k, e),
    });
    this.timers.push(setInterval(() => this.ws.ping(), PING_PERIOD_MS).unref());
    this.timers.push(
      setTimeout(() => {
        this.ws.close(1011, 'reached tail max duration limit');
        this.finish();
      }, this.deps.maxDurationMs).unref(),
    );
    try {
      const history = await executeLogQuery(
        {
          tenant: this.req.tenant,
          selector,
          startNs: this.req.startNs,
          endNs: nowNs() + 1n,
          limit: this.req.limit,
          direction: 'backward',
          categorizeLabels: categorizes(this.req),
        },
        { sources: this.deps.sources, stats: new QueryStats(), compilePipeline: this.deps.compilePipeline },
      );
      const past: QueuedEntry[] = [];
      for (const s of history)
        for (const e of s.entries)
          past.push({
            ts: BigInt(e.ms) * 1_000_000n + BigInt(e.sub),
            line: e.line,
            labels: s.labels,
            key: s.key,
            categories: s.entryCategories?.get(e.streamKey),
          });
      past.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
      this.queue.unshift(...past);
    } catch (err) {
      this.deps.logger.error('tail: reading history failed', { err });
      this.ws.close(1011, err instanceof Error ? err.message : String(err));
      this.finish();
      return;
    }
    this.flush();
    this.timers.push(setInterval(() => this.flush(), FLUSH_PERIOD_MS).unref());
  }

  private onEntries(labels: Labels, key: string, entries: readonly PushEntry[]): void {
    if (this.closed) return;
    let sp = this.pipeline ? this.perStream.get(key) : undefined;
    if (this.pipeline && !sp) {
      sp = this.pipeline.forStream(labels, key);
      this.perStream.set(key, sp);
    }
    for (const e of entries) {
      const ts = BigInt(e.sec) * 1_000_000_000n + BigInt(e.nanos);
      const line = e.line.toString('utf8');
      let outLabels = labels;
      let outKey = key;
      let outLine = line;
      let categories: CategorizedLabels | undefined;
      if (sp) {
        const out = sp.process(ts, 0, line, e.structuredMetadata);
        if (!out) continue;
        outLabels = out.labels;
        outKey = out.key;
        outLine = out.line;
        if (this.categorize) categories = plainCategories(out.categories!);
      } else if (e.structuredMetadata.length > 0) {
        const byName = new Map(labels.map((l) => [l.name, l.value]));
        for (const l of e.structuredMetadata) byName.set(l.name, l.value);
        outLabels = [...byName].map(([name, value]) => ({ name, value })).sort((a, b) => (a.name < b.name ? -1 : 1));
        outKey = labelsToString(outLabels);
      }
      if (this.queue.length >= MAX_QUEUED_ENTRIES) {
        if (this.dropped.length < MAX_DROPPED_PER_MESSAGE) this.dropped.push({ labels: outLabels, ts });
        continue;
      }
      this.queue.push({ ts, line: outLine, labels: outLabels, key: outKey, categories });
    }
  }

  /** Sends what is due: entries whose time plus delay_for has passed, 100 per message. */
  private flush(): void {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    const due = nowNs() - BigInt(this.req.delayForSec) * 1_000_000_000n;
    while (this.queue.length > 0 || this.dropped.length > 0) {
      const batch: QueuedEntry[] = [];
      while (batch.length < MAX_ENTRIES_PER_MESSAGE && this.queue.length > 0 && this.queue[0]!.ts <= due)
        batch.push(this.queue.shift()!);
      if (batch.length === 0 && this.dropped.length === 0) return;
      if (this.ws.bufferedAmount > MAX_SOCKET_BACKLOG) {
        // The client is not keeping up: drop rather than buffer without bound.
        for (const e of batch)
          if (this.dropped.length < MAX_DROPPED_PER_MESSAGE) this.dropped.push({ labels: e.labels, ts: e.ts });
        return;
      }
      const dropped = this.dropped;
      this.dropped = [];
      this.ws.send(
        this.req.legacy ? legacyMessage(batch, dropped) : message(batch, dropped, this.req.encodingFlags ?? []),
      );
      if (batch.length < MAX_ENTRIES_PER_MESSAGE) return;
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    for (const t of this.timers) clearInterval(t);
    this.resolveDone();
  }
}

function labelsObject(labels: Labels): Record<string, string> {
  const o: Record<string, string> = {};
  for (const l of labels) o[l.name] = l.value;
  return o;
}

function categorizes(req: TailRequest): boolean {
  return categorizeLabelsRequested(req.encodingFlags ?? []);
}

/** Loki's tail message: every entry is its own stream; the encoding flags sent come last. */
function message(
  batch: readonly QueuedEntry[],
  dropped: ReadonlyArray<{ labels: Labels; ts: bigint }>,
  encodingFlags: readonly string[],
): string {
  const streams = batch.map((e) => {
    const c = e.categories;
    const value = c
      ? `["${e.ts}",${JSON.stringify(e.line)},${categoriesJSON(c)}]`
      : `["${e.ts}",${JSON.stringify(e.line)}]`;
    return `{"stream":${JSON.stringify(labelsObject(c ? c.stream : e.labels))},"values":[${value}]}`;
  });
  let out = `{"streams":[${streams.join(',')}]`;
  if (dropped.length > 0)
    out += `,"dropped_entries":${JSON.stringify(dropped.map((d) => ({ labels: labelsObject(d.labels), timestamp: String(d.ts) })))}`;
  if (encodingFlags.length > 0) out += `,"encodingFlags":${JSON.stringify(encodingFlags)}`;
  return `${out}}`;
}

function legacyMessage(batch: readonly QueuedEntry[], dropped: ReadonlyArray<{ labels: Labels; ts: bigint }>): string {
  // The legacy form has no place for categories: as in Loki, only the stream labels are left.
  const streams = batch.map((e) => ({
    labels: labelsToString(e.categories ? e.categories.stream : e.labels),
    entries: [{ ts: formatRFC3339Nano(e.ts), line: e.line }],
  }));
  const body: Record<string, unknown> = { streams };
  if (dropped.length > 0)
    body.dropped_entries = dropped.map((d) => ({
      labels: labelsToString(d.labels),
      timestamp: formatRFC3339Nano(d.ts),
    }));
  return JSON.stringify(body);
}
