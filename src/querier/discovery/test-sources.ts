// Query sources for tests: streams held as real in-memory chunks (as the
// ingester holds them) and streams flushed as real chunk objects into a real
// store (in-memory object storage, real index files).
import { parseMatchers } from '../../logql/syntax/index.js';
import { MemChunk } from '../../storage/chunk/chunk.js';
import { Codec } from '../../storage/chunk/compression.js';
import { Schema } from '../../storage/index/schema.js';
import { InMemoryObjectClient } from '../../storage/objstore/memory.js';
import { Store } from '../../storage/store.js';
import { fingerprint, type Label, type Labels, labelsFromRecord, labelsToString } from '../../util/labels.js';
import { type CompiledMatcher, compileMatcher } from '../../util/matchers.js';
import type { IngesterReader, SourceDeps } from '../sources.js';

export interface TestEntry {
  /** Nanoseconds since the epoch. */
  ts: bigint;
  line: string;
  metadata?: Record<string, string>;
}

export interface TestStream {
  labels: Record<string, string>;
  entries: TestEntry[];
}

export interface TestSourceOptions {
  /** Streams kept in memory, as an ingester holds them. */
  memory?: TestStream[];
  /** Streams flushed to the store. */
  stored?: TestStream[];
  tenant?: string;
  /** Bytes per block of in-memory chunks (small values give several blocks). */
  blockSize?: number;
}

export const TEST_TENANT = 'fake';
const NS_PER_SEC = 1_000_000_000n;

function toChunk(s: TestStream, blockSize: number): MemChunk {
  const first = s.entries[0]!.ts;
  const chunk = new MemChunk(Codec.Snappy, blockSize, 0, Number(first / NS_PER_SEC));
  for (const e of s.entries) {
    const metadata: Label[] = Object.entries(e.metadata ?? {}).map(([name, value]) => ({ name, value }));
    chunk.append(chunk.offsetOf(Number(e.ts / NS_PER_SEC), Number(e.ts % NS_PER_SEC)), Buffer.from(e.line), metadata);
  }
  return chunk;
}

function matchesAll(labels: Labels, matchers: readonly CompiledMatcher[]): boolean {
  return matchers.every((m) => m.matches(labels.find((l) => l.name === m.name)?.value ?? ''));
}

class MemoryStreams implements IngesterReader {
  constructor(private readonly streams: ReadonlyArray<{ labels: Labels; key: string; fp: string; chunk: MemChunk }>) {}

  select(_tenant: string, matchers: readonly CompiledMatcher[], fromNs: bigint, throughNs: bigint) {
    return this.streams
      .filter((s) => matchesAll(s.labels, matchers) && s.chunk.minNs <= throughNs && s.chunk.maxNs >= fromNs)
      .map((s) => ({ labels: s.labels, key: s.key, fp: s.fp, chunks: [{ chunk: s.chunk }] }));
  }
}

/** Sources holding the given streams; entries must be in time order per stream. */
export async function testSources(opts: TestSourceOptions): Promise<SourceDeps> {
  const tenant = opts.tenant ?? TEST_TENANT;
  const blockSize = opts.blockSize ?? 1 << 16;
  const memory = (opts.memory ?? []).map((s) => {
    const labels = labelsFromRecord(s.labels);
    const key = labelsToString(labels);
    return { labels, key, fp: fingerprint(key), chunk: toChunk(s, blockSize) };
  });
  const store = new Store({
    schema: new Schema([
      {
        fromMs: 0,
        store: 'tsdb',
        objectStore: 'memory',
        schema: 'v13',
        indexPrefix: 'index_',
        indexPeriodMs: 86_400_000,
      },
    ]),
    clients: new Map([['memory', new InMemoryObjectClient()]]),
    nodeName: 'test',
    index: { listTtlMs: 0, cacheBytes: 1 << 20 },
  });
  for (const s of opts.stored ?? []) {
    const labels = labelsFromRecord(s.labels);
    const key = labelsToString(labels);
    const fp = fingerprint(key);
    const chunk = toChunk(s, blockSize);
    chunk.cutHead(true);
    const { ref } = await store.putChunk(
      tenant,
      fp,
      chunk.encode(tenant, key),
      chunk.minNs,
      chunk.maxNs,
      chunk.entries,
      chunk.linesSize,
    );
    store.indexChunk(tenant, fp, labels, ref);
  }
  await store.indexShipper.ship();
  return { ingester: new MemoryStreams(memory), store };
}

/** Compiled matchers of a selector such as `{app="api"}`. */
export function selectorMatchers(selector: string): CompiledMatcher[] {
  return parseMatchers(selector).map(compileMatcher);
}
