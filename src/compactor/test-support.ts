// Helpers for the compactor's tests: an in-memory store, streams written the
// way an ingester writes them (one chunk, one index file per flush), and reads
// through the index the way a querier reads.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { defaultConfig, type LimitsConfig } from '../config/index.js';
import { parseMatchers } from '../logql/syntax/index.js';
import { decodeBlock } from '../storage/chunk/block.js';
import { decodeChunk, MemChunk } from '../storage/chunk/chunk.js';
import { Codec } from '../storage/chunk/compression.js';
import type { ChunkRef } from '../storage/index/index-file.js';
import { Schema } from '../storage/index/schema.js';
import type { ObjectClient } from '../storage/objstore/client.js';
import { InMemoryObjectClient } from '../storage/objstore/memory.js';
import { Store } from '../storage/store.js';
import { fingerprint, type Label, labelsFromRecord, labelsToString } from '../util/labels.js';
import type { Logger } from '../util/log.js';
import { compileMatcher } from '../util/matchers.js';
import { Compactor } from './compactor.js';
import type { DeleteRequestsStore } from './delete-requests-store.js';
import { type CompactorMetrics, compactorMetrics } from './metrics.js';
import { type CompactorSettings, compactorSettings } from './settings.js';

export const DAY_MS = 86_400_000;

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

export function memoryStore(client: ObjectClient = new InMemoryObjectClient()): Store {
  return new Store({
    schema: new Schema([
      { fromMs: 0, store: 'tsdb', objectStore: 'memory', schema: 'v13', indexPrefix: 'index_', indexPeriodMs: DAY_MS },
    ]),
    clients: new Map([['memory', client]]),
    nodeName: 'ingester',
    index: { listTtlMs: 0, cacheBytes: 1 << 24 },
  });
}

export interface TestEntry {
  ms: number;
  line: string;
  metadata?: Label[];
}

/** Writes one chunk of a stream and ships an index file for it, as one ingester flush does. */
export async function writeStream(
  store: Store,
  tenant: string,
  labels: Record<string, string>,
  entries: readonly TestEntry[],
): Promise<{ fp: string; key: string; ref: ChunkRef }> {
  const ls = labelsFromRecord(labels);
  const text = labelsToString(ls);
  const fp = fingerprint(text);
  const baseSec = Math.floor(entries[0]!.ms / 1000);
  const chunk = new MemChunk(Codec.Snappy, 256, 0, baseSec);
  for (const e of entries) {
    chunk.append(chunk.offsetOf(Math.floor(e.ms / 1000), (e.ms % 1000) * 1e6), Buffer.from(e.line), e.metadata ?? []);
  }
  chunk.cutHead(true);
  const { key, ref } = await store.putChunk(
    tenant,
    fp,
    chunk.encode(tenant, text),
    chunk.minNs,
    chunk.maxNs,
    chunk.entries,
    chunk.linesSize,
  );
  store.indexChunk(tenant, fp, ls, ref);
  await store.indexShipper.ship();
  return { fp, key, ref };
}

/** Lines of the streams matching `selector`, through the index, oldest first, as `labels line`. */
export async function readLines(
  store: Store,
  tenant: string,
  selector: string,
  fromMs = 0,
  throughMs = Date.now() + DAY_MS,
): Promise<string[]> {
  const matchers = parseMatchers(selector, { validate: false }).map((m) => compileMatcher(m));
  const out: Array<{ t: bigint; s: string }> = [];
  for (const s of await store.indexReader.series(tenant, fromMs, throughMs, matchers)) {
    const seen = new Set<string>();
    for (const ref of s.chunks) {
      const parsed = decodeChunk(await store.getChunk(tenant, s.fp, ref));
      const base = BigInt(parsed.baseSec) * 1_000_000_000n;
      for (const b of parsed.blocks) {
        const d = decodeBlock(b, parsed.codec, base);
        for (let i = 0; i < d.count; i++) {
          const t = base + BigInt(d.ts[i]!);
          const line = d.lines.toString('utf8', d.offsets[i]!, d.offsets[i + 1]!);
          const id = `${t} ${line}`;
          if (seen.has(id)) continue;
          seen.add(id);
          out.push({ t, s: `${s.key} ${line}` });
        }
      }
    }
  }
  return out.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.s < b.s ? -1 : 1)).map((x) => x.s);
}

/** Keys of the objects under a prefix. */
export async function keysUnder(client: ObjectClient, prefix: string): Promise<string[]> {
  return (await client.list(prefix)).objects.map((o) => o.key);
}

export type TestLimits = Partial<Pick<LimitsConfig, 'retention_period' | 'retention_stream' | 'deletion_mode'>>;

/** Per-tenant limits over Loki's defaults. */
export function limitsFor(
  byTenant: Record<string, TestLimits>,
  defaults: TestLimits = {},
): (t: string) => LimitsConfig {
  const base = defaultConfig().limits_config;
  return (t) => ({ ...base, ...defaults, ...byTenant[t] });
}

export interface TestCompactor {
  compactor: Compactor;
  settings: CompactorSettings;
  metrics: CompactorMetrics;
  registry: Registry;
  workingDirectory: string;
}

/** A compactor over `store` with retention enabled and the given overrides of its settings. */
export async function testCompactor(
  store: Store,
  opts: {
    limits?: (t: string) => LimitsConfig;
    settings?: Partial<CompactorSettings>;
    deleteRequests?: DeleteRequestsStore;
    nowMs?: () => number;
  } = {},
): Promise<TestCompactor> {
  const cfg = defaultConfig().compactor;
  cfg.retention_enabled = true;
  cfg.delete_request_store = 'memory';
  const workingDirectory = await mkdtemp(join(tmpdir(), 'skald-compactor-'));
  const settings = { ...compactorSettings(cfg), workingDirectory, ...opts.settings };
  const registry = new Registry();
  const metrics = compactorMetrics(registry);
  const compactor = await Compactor.create({
    settings,
    store,
    limits: opts.limits ?? limitsFor({}),
    metrics,
    logger: silentLogger,
    ...(opts.deleteRequests ? { deleteRequests: opts.deleteRequests } : {}),
    ...(opts.nowMs ? { nowMs: opts.nowMs } : {}),
  });
  return { compactor, settings, metrics, registry, workingDirectory };
}
