// A query worker thread: evaluates the part of a query that reads and scans
// chunks, for the streams it is given, and posts back partial results that
// the main thread merges. Stored chunks are fetched by the worker itself,
// through the main thread's chunk cache (storage/chunk-cache-port.ts).
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { SkaldConfig } from '../../config/index.js';
import { handleFromWire, type StreamData } from '../../querier/sources.js';
import { PortChunkCache } from '../../storage/chunk-cache-port.js';
import { createStore } from '../../storage/create-store.js';
import type { Store } from '../../storage/store.js';
import { type LogScanResult, type LogScanTask, scanLogStreams } from './log-query.js';
import { partialsToResult, type RangeScanTask, scanRangeStreams } from './metric-query.js';
import { createPipelineCompiler } from './pipeline.js';
import type { WireStream } from './shards.js';
import { QueryStats } from './stats.js';
import { warmUpEngine } from './warm-up.js';

export interface QueryWorkerData {
  config: SkaldConfig | null;
  /** A port to the main thread's chunk cache; absent: chunks are read without a cache. */
  chunkCachePort?: MessagePort;
}

const port = parentPort;
if (!port) throw new Error('query-worker.js must run in a worker thread');
const data = workerData as QueryWorkerData;
// Never a cache of the worker's own: it would hold a second copy of what the main thread caches.
const chunkCache = data.chunkCachePort ? new PortChunkCache(data.chunkCachePort) : null;
const store: Store | undefined = data.config ? await createStore(data.config, { chunkCache }) : undefined;
const compilePipeline = createPipelineCompiler();
const running = new Map<number, AbortController>();
// Warm the JIT before taking work; messages wait in the port meanwhile. A failure here
// only costs speed, never the worker.
await warmUpEngine(compilePipeline).catch((err: unknown) =>
  process.emitWarning(`query worker warm-up failed: ${String(err)}`),
);

function streamsOf(wire: readonly WireStream[]): StreamData[] {
  return wire.map((s) => ({
    labels: s.labels,
    key: s.key,
    fp: s.fp,
    chunks: s.chunks.map((c) => handleFromWire(c, store)),
  }));
}

async function run(
  task: LogScanTask | RangeScanTask,
  signal: AbortSignal,
): Promise<{ result: unknown; transfer: ArrayBuffer[] }> {
  const stats = new QueryStats();
  const ctx = { stats, signal, compilePipeline };
  if (task.kind === 'logs') {
    const { top, outputs } = await scanLogStreams(streamsOf(task.streams), task.req, ctx);
    const result: LogScanResult = { entries: top.drain(), outputs: [...outputs], stats };
    return { result, transfer: [] };
  }
  const partials = await scanRangeStreams(streamsOf(task.streams), task.node, task.grouping, task.grid, ctx);
  const result = partialsToResult(partials, stats);
  const transfer: ArrayBuffer[] = [];
  for (const c of result.counts) transfer.push(c.counts.buffer as ArrayBuffer, c.bytes.buffer as ArrayBuffer);
  for (const s of result.samples) transfer.push(s.ts.buffer as ArrayBuffer, s.values.buffer as ArrayBuffer);
  return { result, transfer };
}

port.on('message', (m: { id: number; task: LogScanTask | RangeScanTask } | { cancel: number }) => {
  if ('cancel' in m) {
    running.get(m.cancel)?.abort(new Error('cancelled'));
    return;
  }
  const ac = new AbortController();
  running.set(m.id, ac);
  run(m.task, ac.signal)
    .then(
      ({ result, transfer }) => port.postMessage({ id: m.id, ok: result }, transfer),
      (err: unknown) => {
        const e = err as { name?: string; message?: string; status?: number };
        port.postMessage({
          id: m.id,
          err: { name: e.name ?? 'Error', message: e.message ?? String(err), status: e.status },
        });
      },
    )
    .finally(() => running.delete(m.id));
});
