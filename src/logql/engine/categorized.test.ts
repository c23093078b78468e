import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { handleFromWire, type IngesterReader, type StreamData } from '../../querier/sources.js';
import { MemChunk } from '../../storage/chunk/chunk.js';
import { Codec } from '../../storage/chunk/compression.js';
import { fingerprint, type Label, type Labels, labelsToString, sortLabels } from '../../util/labels.js';
import type { CompiledMatcher } from '../../util/matchers.js';
import { categoriesJSON } from './categorized.js';
import { Engine, type QueryLimits, type QueryResponse, responseJSON } from './engine.js';
import { type LogScanResult, type LogScanTask, scanLogStreams } from './log-query.js';
import { MetricQueryEvaluator } from './metric-query.js';
import { createPipelineCompiler } from './pipeline.js';
import type { QueryExecutor, WireStream } from './shards.js';
import { QueryStats } from './stats.js';

const BASE_SEC = 1_700_000_000;
const BASE_NS = BigInt(BASE_SEC) * 1_000_000_000n;

interface TestEntry {
  offNs: number;
  line: string;
  metadata?: Record<string, string>;
}

interface TestStream {
  labels: Record<string, string>;
  entries: TestEntry[];
}

function toLabels(r: Record<string, string>): Label[] {
  return sortLabels(Object.entries(r).map(([name, value]) => ({ name, value })));
}

/** An ingester holding the given streams in memory, one chunk each. */
function reader(streams: readonly TestStream[]): IngesterReader {
  const held = streams.map((s) => {
    const labels = toLabels(s.labels);
    const key = labelsToString(labels);
    const chunk = new MemChunk(Codec.Snappy, 16 * 1024, 0, BASE_SEC);
    for (const e of s.entries) chunk.append(e.offNs, Buffer.from(e.line), toLabels(e.metadata ?? {}));
    return { labels, key, fp: fingerprint(key), chunk };
  });
  return {
    select(_tenant: string, matchers: readonly CompiledMatcher[]) {
      return held
        .filter((s) => matchers.every((m) => m.matches(s.labels.find((l) => l.name === m.name)?.value ?? '')))
        .map((s) => ({ labels: s.labels, key: s.key, fp: s.fp, chunks: [{ chunk: s.chunk }] }));
    },
  };
}

const LIMITS: QueryLimits = {
  max_entries_limit_per_query: 5000,
  max_query_length: 0,
  max_query_series: 0,
  query_timeout: 0,
  max_query_lookback: 0,
  max_query_parallelism: 0,
};

const compilePipeline = createPipelineCompiler();

function engine(streams: readonly TestStream[], executor?: QueryExecutor): Engine {
  return new Engine({
    sources: { ingester: reader(streams) },
    limits: () => LIMITS,
    compilePipeline,
    metrics: new MetricQueryEvaluator(),
    executor,
  });
}

type Value = [string, string] | [string, string, { structuredMetadata?: Labelset; parsed?: Labelset }];
type Labelset = Record<string, string>;
interface Stream {
  stream: Labelset;
  values: Value[];
}

async function logQuery(
  e: Engine,
  query: string,
  categorizeLabels: boolean,
  direction: 'forward' | 'backward' = 'forward',
  intervalNs = 0n,
): Promise<{ response: QueryResponse; streams: Stream[] }> {
  const response = await e.rangeQuery(
    'fake',
    {
      query,
      startNs: BASE_NS,
      endNs: BASE_NS + 3_600_000_000_000n,
      limit: 100,
      direction,
      stepNs: 1_000_000_000n,
      intervalNs,
      categorizeLabels,
    },
    new AbortController().signal,
  );
  return { response, streams: JSON.parse(response.result) as Stream[] };
}

const APP = { app: 'api', env: 'prod' };

describe('categorize-labels log answers', () => {
  it('keep structured metadata out of the stream and on each entry', async () => {
    const e = engine([
      {
        labels: APP,
        entries: [
          { offNs: 1, line: 'a', metadata: { trace_id: 't1' } },
          { offNs: 2, line: 'b', metadata: { trace_id: 't2', user: 'u' } },
          { offNs: 3, line: 'c' },
        ],
      },
    ]);
    const plain = await logQuery(e, '{app="api"}', false);
    assert.deepEqual(
      plain.streams.map((s) => s.stream),
      // Sorted by label text, in which `}` comes after `,`.
      [{ ...APP, trace_id: 't1' }, { ...APP, trace_id: 't2', user: 'u' }, APP],
    );
    const { streams } = await logQuery(e, '{app="api"}', true);
    assert.deepEqual(streams, [
      {
        stream: APP,
        values: [
          [String(BASE_NS + 1n), 'a', { structuredMetadata: { trace_id: 't1' } }],
          [String(BASE_NS + 2n), 'b', { structuredMetadata: { trace_id: 't2', user: 'u' } }],
          [String(BASE_NS + 3n), 'c', {}],
        ],
      },
    ]);
  });

  it('put parser output under parsed', async () => {
    const e = engine([{ labels: APP, entries: [{ offNs: 5, line: 'level=info msg=hi' }] }]);
    const { streams } = await logQuery(e, '{app="api"} | logfmt', true);
    assert.deepEqual(streams, [
      { stream: APP, values: [[String(BASE_NS + 5n), 'level=info msg=hi', { parsed: { level: 'info', msg: 'hi' } }]] },
    ]);
  });

  it('write metadata before parsed labels when a line has both', async () => {
    const e = engine([{ labels: APP, entries: [{ offNs: 5, line: '{"status":200}', metadata: { pod: 'p-1' } }] }]);
    const { response } = await logQuery(e, '{app="api"} | json', true);
    assert.equal(
      response.result,
      `[{"stream":{"app":"api","env":"prod"},"values":[["${BASE_NS + 5n}","{\\"status\\":200}",{"structuredMetadata":{"pod":"p-1"},"parsed":{"status":"200"}}]]}]`,
    );
  });

  it('write an empty object when a line has neither', async () => {
    const e = engine([{ labels: APP, entries: [{ offNs: 7, line: 'plain' }] }]);
    const { response } = await logQuery(e, '{app="api"} |= "plain"', true);
    assert.equal(response.result, `[{"stream":{"app":"api","env":"prod"},"values":[["${BASE_NS + 7n}","plain",{}]]}]`);
  });

  it('file stream labels a pipeline rewrites or renames as parsed, and drop deleted ones', async () => {
    const e = engine([{ labels: APP, entries: [{ offNs: 1, line: '{"app":"inner","n":1}' }] }]);
    const formatted = await logQuery(e, '{app="api"} | label_format app="{{.app}}-x"', true);
    assert.deepEqual(formatted.streams, [
      {
        stream: { env: 'prod' },
        values: [[String(BASE_NS + 1n), '{"app":"inner","n":1}', { parsed: { app: 'api-x' } }]],
      },
    ]);
    const renamed = await logQuery(e, '{app="api"} | label_format service=app', true);
    assert.deepEqual(renamed.streams[0]!.stream, { env: 'prod' });
    assert.deepEqual(renamed.streams[0]!.values[0]![2], { parsed: { service: 'api' } });
    const dropped = await logQuery(e, '{app="api"} | drop env', true);
    assert.deepEqual(dropped.streams[0]!.stream, { app: 'api' });
    assert.deepEqual(dropped.streams[0]!.values[0]![2], {});
    const kept = await logQuery(e, '{app="api"} | json | keep n', true);
    assert.deepEqual(kept.streams[0]!.stream, {});
    assert.deepEqual(kept.streams[0]!.values[0]![2], { parsed: { n: '1' } });
    // A parsed key that a stream label already has is renamed; the stream label stays.
    const clash = await logQuery(e, '{app="api"} | json', true);
    assert.deepEqual(clash.streams[0]!.stream, APP);
    assert.deepEqual(clash.streams[0]!.values[0]![2], { parsed: { app_extracted: 'inner', n: '1' } });
  });

  it('rename structured metadata that clashes with a stream label, as the no-op pipeline does', async () => {
    const e = engine([{ labels: APP, entries: [{ offNs: 1, line: 'x', metadata: { env: 'dev' } }] }]);
    const { streams } = await logQuery(e, '{app="api"}', true);
    assert.deepEqual(streams, [
      { stream: APP, values: [[String(BASE_NS + 1n), 'x', { structuredMetadata: { env_extracted: 'dev' } }]] },
    ]);
  });

  it('report parser errors under parsed', async () => {
    const e = engine([{ labels: APP, entries: [{ offNs: 1, line: 'not json' }] }]);
    const { streams } = await logQuery(e, '{app="api"} | json', true);
    assert.equal(streams.length, 1);
    assert.deepEqual(streams[0]!.stream, APP);
    const third = streams[0]!.values[0]![2]!;
    assert.equal(third.structuredMetadata, undefined);
    assert.equal(third.parsed?.__error__, 'JSONParserErr');
    assert.ok(third.parsed?.__error_details__, 'error details are parsed labels too');
    const cleared = await logQuery(e, '{app="api"} | json | drop __error__, __error_details__', true);
    assert.deepEqual(cleared.streams[0]!.values[0]![2], {});
  });

  it('join entries of one stream with different metadata, in query order, and keep streams sorted', async () => {
    const e = engine([
      {
        labels: { app: 'web' },
        entries: [
          { offNs: 1, line: 'w1', metadata: { level: 'info' } },
          { offNs: 4, line: 'w2', metadata: { level: 'warn' } },
        ],
      },
      {
        labels: APP,
        entries: [
          { offNs: 2, line: 'a1', metadata: { level: 'warn' } },
          { offNs: 3, line: 'a2', metadata: { level: 'info' } },
        ],
      },
    ]);
    const { streams } = await logQuery(e, '{app=~".+"}', true, 'backward');
    assert.deepEqual(
      streams.map((s) => [s.stream, s.values.map((v) => `${v[1]}:${v[2]?.structuredMetadata?.level}`)]),
      [
        [APP, ['a2:info', 'a1:warn']],
        [{ app: 'web' }, ['w2:warn', 'w1:info']],
      ],
    );
  });

  it('apply to log queries with an interval', async () => {
    const e = engine([
      {
        labels: APP,
        entries: [
          { offNs: 0, line: 'a', metadata: { pod: 'p1' } },
          { offNs: 5, line: 'b', metadata: { pod: 'p2' } },
          { offNs: 10, line: 'c', metadata: { pod: 'p3' } },
        ],
      },
    ]);
    const { streams } = await logQuery(e, '{app="api"}', true, 'forward', 10n);
    assert.deepEqual(streams, [
      {
        stream: APP,
        values: [
          [String(BASE_NS), 'a', { structuredMetadata: { pod: 'p1' } }],
          [String(BASE_NS + 10n), 'c', { structuredMetadata: { pod: 'p3' } }],
        ],
      },
    ]);
  });

  it('leave answers without the flag as they were', async () => {
    const e = engine([{ labels: APP, entries: [{ offNs: 1, line: 'level=info', metadata: { pod: 'p' } }] }]);
    const { response } = await logQuery(e, '{app="api"} | logfmt', false);
    assert.equal(
      response.result,
      `[{"stream":{"app":"api","env":"prod","level":"info","pod":"p"},"values":[["${BASE_NS + 1n}","level=info"]]}]`,
    );
  });

  it('answer instant log queries categorized', async () => {
    const e = engine([{ labels: APP, entries: [{ offNs: 1, line: 'x', metadata: { pod: 'p' } }] }]);
    const r = await e.instantQuery(
      'fake',
      { query: '{app="api"}', timeNs: BASE_NS + 10n, limit: 10, direction: 'backward', categorizeLabels: true },
      new AbortController().signal,
    );
    assert.equal(
      r.result,
      `[{"stream":{"app":"api","env":"prod"},"values":[["${BASE_NS + 1n}","x",{"structuredMetadata":{"pod":"p"}}]]}]`,
    );
  });

  it('give the same answer when query workers read the streams', async () => {
    // Enough data (over 1 MiB) for the engine to share it out.
    const entries: TestEntry[] = [];
    for (let i = 0; i < 24_000; i++) {
      const noise = createHash('sha256').update(String(i)).digest('hex');
      entries.push({ offNs: i * 1000, line: `n=${i} ${noise}`, metadata: { shard: String(i % 3) } });
    }
    const streams = [
      { labels: APP, entries },
      { labels: { app: 'web' }, entries: entries.slice(0, 12_000) },
    ];
    // A worker in this thread: the task and its answer cross a structured clone, as they would between threads.
    const executor: QueryExecutor = {
      size: 2,
      async run<T>(task: unknown): Promise<T> {
        const t = structuredClone(task) as LogScanTask;
        const local: StreamData[] = t.streams.map((s: WireStream) => ({
          labels: s.labels,
          key: s.key,
          fp: s.fp,
          chunks: s.chunks.map((c) => handleFromWire(c, undefined)),
        }));
        const stats = new QueryStats();
        const { top, outputs } = await scanLogStreams(local, t.req, { stats, compilePipeline });
        const result: LogScanResult = { entries: top.drain(), outputs: [...outputs], stats };
        return structuredClone(result) as T;
      },
    };
    const query = '{app=~".+"} | logfmt';
    const alone = await logQuery(engine(streams), query, true);
    const shared = await logQuery(engine(streams, executor), query, true);
    assert.ok(shared.response.stats.splits > 0, 'the query was shared out');
    assert.equal(shared.response.result, alone.response.result);
    assert.equal(shared.streams.length, 2);
    assert.deepEqual(shared.streams[0]!.values[0]![2], { structuredMetadata: { shard: '0' }, parsed: { n: '0' } });
  });
});

describe('categorize-labels encoding', () => {
  const labels = (r: Labelset): Labels => toLabels(r);

  it('leaves out empty categories', () => {
    assert.equal(categoriesJSON({ structuredMetadata: [], parsed: [] }), '{}');
    assert.equal(
      categoriesJSON({ structuredMetadata: labels({ a: '1' }), parsed: [] }),
      '{"structuredMetadata":{"a":"1"}}',
    );
    assert.equal(categoriesJSON({ structuredMetadata: [], parsed: labels({ b: '"' }) }), '{"parsed":{"b":"\\""}}');
  });

  it('lists the flags before the result of log answers only', () => {
    const stats = new QueryStats();
    const streams: QueryResponse = { resultType: 'streams', result: '[]', stats, warnings: [] };
    const matrix: QueryResponse = { resultType: 'matrix', result: '[]', stats, warnings: [] };
    assert.match(
      responseJSON(streams, ['categorize-labels']),
      /^\{"status":"success","data":\{"resultType":"streams","encodingFlags":\["categorize-labels"\],"result":\[\],"stats"/,
    );
    assert.doesNotMatch(responseJSON(matrix, ['categorize-labels']), /encodingFlags/);
    assert.equal(responseJSON(streams, []), responseJSON(streams));
    assert.doesNotMatch(responseJSON(streams), /encodingFlags/);
  });
});
