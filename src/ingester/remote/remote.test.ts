// The ingester service over real gRPC on loopback: a distributor-side
// RingPusher and a querier-side RingIngesterReader / RingTailSource against
// an Ingester served by IngesterService, with a one-instance ring.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { PushEntry } from '../../distributor/push-request.js';
import { DiscardMetrics } from '../../limits/discarded.js';
import { parseStreamLabels } from '../../logql/syntax/index.js';
import { RingIngesterReader } from '../../querier/remote/ingester-querier.js';
import { RingTailSource } from '../../querier/remote/tail.js';
import { gatherStreams } from '../../querier/sources.js';
import { streamBlocks } from '../../querier/stream-blocks.js';
import { emptyRing } from '../../ring/model.js';
import { RingSnapshot } from '../../ring/ring.js';
import { GrpcServer } from '../../server/grpc/server.js';
import { DECODE_ALL } from '../../storage/chunk/block.js';
import { Codec } from '../../storage/chunk/compression.js';
import { Schema } from '../../storage/index/schema.js';
import { InMemoryObjectClient } from '../../storage/objstore/memory.js';
import { Store } from '../../storage/store.js';
import { labelsToString } from '../../util/labels.js';
import { rootLogger } from '../../util/log.js';
import { compileMatcher } from '../../util/matchers.js';
import { Ingester } from '../ingester.js';
import { IngesterClientPool } from './client.js';
import { RingPusher, splitRequests } from './ring-pusher.js';
import { IngesterService } from './server.js';

const logger = rootLogger.child({ test: 'ingester-remote' });
const BASE_SEC = 1_700_000_000;

function entry(sec: number, line: string, metadata: Record<string, string> = {}): PushEntry {
  return {
    sec,
    nanos: 7,
    line: Buffer.from(line),
    structuredMetadata: Object.entries(metadata).map(([name, value]) => ({ name, value })),
  };
}

function stream(labels: string, entries: PushEntry[]) {
  const l = parseStreamLabels(labels);
  return { labels: l, key: labelsToString(l), entries };
}

describe('ingester over gRPC', () => {
  let ingester: Ingester;
  let server: GrpcServer;
  let pool: IngesterClientPool;
  let ring: RingSnapshot;

  before(async () => {
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
    const registry = new Registry();
    ingester = new Ingester(
      {
        codec: Codec.Snappy,
        // Small blocks: the chunks travel with cut blocks and a head block.
        blockSize: 64,
        targetSize: 0,
        maxChunkAgeMs: 2 * 3600_000,
        chunkIdlePeriodMs: 3600_000,
        chunkRetainPeriodMs: 0,
        flushCheckPeriodMs: 3600_000,
        flushOpTimeoutMs: 10_000,
        concurrentFlushes: 1,
        maxReturnedStreamErrors: 10,
        indexShipIntervalMs: 60_000,
        wal: { enabled: false, dir: '', checkpointDurationMs: 0 },
        parseLabels: parseStreamLabels,
      },
      { store, registry, logger, discarded: new DiscardMetrics(registry) },
    );
    await ingester.start();
    const service = new IngesterService(ingester, { batchBytes: 256, logger });
    server = new GrpcServer('127.0.0.1', 0, {}, logger);
    server.addService(service.definition, service.implementation());
    const port = await server.listen();
    const desc = emptyRing();
    desc.ingesters.set('ing-1', {
      id: 'ing-1',
      addr: `127.0.0.1:${port}`,
      timestamp: Date.now(),
      state: 'ACTIVE',
      tokens: [1 << 30],
      zone: '',
      registeredTimestamp: 1,
    });
    ring = new RingSnapshot(desc, { replicationFactor: 1, heartbeatTimeoutMs: 0, name: 'ingester' });
    pool = new IngesterClientPool({}, 0, () => new Set([`127.0.0.1:${port}`]));
  });

  after(async () => {
    pool.close();
    await server.stop(100);
    await ingester.stop();
  });

  it('pushes streams with structured metadata and reads back the same entries', async () => {
    const pusher = new RingPusher({ ring, pool, timeoutMs: 5000, maxRequestBytes: 200 });
    const entries = Array.from({ length: 40 }, (_, i) =>
      entry(BASE_SEC + i, `line ${i} ${'x'.repeat(i)}`, i % 3 === 0 ? { trace: `t${i}` } : {}),
    );
    await pusher.push('t1', [stream('{app="a", env="prod"}', entries), stream('{app="b"}', [entry(BASE_SEC, 'b')])]);

    const reader = new RingIngesterReader({ ring, pool, timeoutMs: 5000, queryIngestersWithinMs: 0 });
    const matchers = [compileMatcher({ name: 'app', op: '=', value: 'a' })];
    const from = BigInt(BASE_SEC) * 1_000_000_000n;
    const through = from + 100_000_000_000n;
    const remote = await gatherStreams({ ingester: reader }, 't1', matchers, from, through);
    const local = await gatherStreams({ ingester }, 't1', matchers, from, through);
    assert.equal(remote.length, 1);
    assert.ok(remote[0]!.chunks.length >= 1);
    const read = async (s: (typeof remote)[number]) => {
      const out: string[] = [];
      for await (const { block, lo, hi } of streamBlocks(s, {
        fromNs: from,
        throughNs: through,
        direction: 'forward',
        decode: DECODE_ALL,
      })) {
        for (let i = lo; i < hi; i++) {
          const line = block.lines.subarray(block.offsets[i]!, block.offsets[i + 1]!).toString();
          const meta = (block.metadata?.[i] ?? []).map((l) => `${l.name}=${l.value}`).join(',');
          out.push(`${block.baseNs + BigInt(block.ts[i]!)} ${line} ${meta}`);
        }
      }
      return out;
    };
    const got = await read(remote[0]!);
    assert.equal(got.length, 40);
    assert.deepEqual(got, await read(local[0]!));
    assert.match(got[3]!, / line 3 xxx trace=t3$/);

    assert.deepEqual((await reader.streamLabels('t1', [], from, through)).map((s) => s.key).sort(), [
      '{app="a", env="prod"}',
      '{app="b"}',
    ]);
    assert.deepEqual(await reader.select('other-tenant', [], from, through), []);
  });

  it("answers a refused push with the ingester's status and message", async () => {
    const pusher = new RingPusher({ ring, pool, timeoutMs: 5000, maxRequestBytes: 1 << 20 });
    await pusher.push('t2', [stream('{app="late"}', [entry(BASE_SEC + 10_000, 'new')])]);
    await assert.rejects(
      pusher.push('t2', [stream('{app="late"}', [entry(BASE_SEC, 'old')])]),
      (err: Error & { status?: number }) => err.status === 400 && /entry too far behind/.test(err.message),
    );
  });

  it('fails a push with a 500 when the ingester cannot be reached', async () => {
    const desc = emptyRing();
    desc.ingesters.set('gone', { ...ring.desc.ingesters.get('ing-1')!, id: 'gone', addr: '127.0.0.1:1' });
    const dead = new RingSnapshot(desc, { replicationFactor: 1, heartbeatTimeoutMs: 0, name: 'ingester' });
    const pusher = new RingPusher({ ring: dead, pool, timeoutMs: 2000, maxRequestBytes: 1 << 20 });
    await assert.rejects(
      pusher.push('t3', [stream('{app="x"}', [entry(BASE_SEC, 'x')])]),
      (err: Error & { status?: number }) => err.status === 500 && /rpc error: code = Unavailable/.test(err.message),
    );
  });

  it('refuses a malformed select with InvalidArgument', async () => {
    const addr = ring.desc.ingesters.get('ing-1')!.addr;
    await assert.rejects(
      pool
        .get(addr)
        .select(
          { tenant: 't1', matchers: [{ name: 'a', op: '~~' as '=', value: '' }], fromNs: 0n, throughNs: 1n },
          2000,
        ),
      (err: Error) => /code = InvalidArgument desc = unknown matcher operator "~~"/.test(err.message),
    );
  });

  it('tails live entries of matching streams', async () => {
    const tails = new RingTailSource({ ring, pool, logger });
    const got: string[] = [];
    const stop = tails.subscribe('t4', {
      matchers: [compileMatcher({ name: 'app', op: '=~', value: 'tail.*' })],
      onEntries: (_labels, key, entries) => {
        for (const e of entries) got.push(`${key} ${e.line.toString()}`);
      },
    });
    try {
      await new Promise((r) => setTimeout(r, 200));
      const pusher = new RingPusher({ ring, pool, timeoutMs: 5000, maxRequestBytes: 1 << 20 });
      await pusher.push('t4', [
        stream('{app="tailed"}', [entry(BASE_SEC, 'hello')]),
        stream('{app="other"}', [entry(BASE_SEC, 'not this')]),
      ]);
      const deadline = Date.now() + 3000;
      while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(got, ['{app="tailed"} hello']);
    } finally {
      stop();
    }
  });
});

describe('splitting pushes under the message size limit', () => {
  it('keeps every entry, in order, in requests of bounded size', () => {
    const big = stream(
      '{app="big"}',
      Array.from({ length: 10 }, (_, i) => entry(BASE_SEC + i, 'y'.repeat(100))),
    );
    const small = stream('{app="small"}', [entry(BASE_SEC, 'z')]);
    const parts = splitRequests([small, big], 400);
    assert.ok(parts.length > 1);
    const lines = parts.flatMap((p) => p.flatMap((s) => s.entries.map((e) => `${s.key}:${e.sec}`)));
    assert.deepEqual(lines, ['{app="small"}:1700000000', ...big.entries.map((e) => `{app="big"}:${e.sec}`)]);
    assert.deepEqual(splitRequests([small, big], 0), [[small, big]]);
  });
});
