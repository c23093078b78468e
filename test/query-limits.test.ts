// Query-side limits, set per tenant in runtime overrides: a query over too
// long a range, returning too many series, or running past query_timeout is
// stopped with Loki's message, and other queries go on being answered.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { get, linesOf, pushProto, queryRange, type TestStream } from './helpers/loki-client.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

const NOW_NS = BigInt(Date.now()) * 1_000_000n;
const SEC = 1_000_000_000n;
const ago = (sec: number) => NOW_NS - BigInt(sec) * SEC;

const RUNTIME = `overrides:
  short:
    max_query_length: 1h
  lookback:
    max_query_lookback: 1h
  few-series:
    max_query_series: 5
  slow:
    query_timeout: 50ms
`;

describe('query limits', () => {
  let skald: SkaldProcess;

  before(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'skald-query-limits-'));
    const runtimeFile = join(dataDir, 'runtime.yaml');
    await writeFile(runtimeFile, RUNTIME);
    skald = await startSkald({
      dataDir,
      authEnabled: true,
      limits: { reject_old_samples: false, per_stream_rate_limit: '512MB', per_stream_rate_limit_burst: '1024MB' },
      extraConfig: `runtime_config:\n  file: ${runtimeFile}\n`,
    });
    // Old and recent entries for the lookback tenant; many series for few-series.
    let r = await pushProto(
      skald.url,
      [
        {
          labels: '{app="l"}',
          entries: [
            { ts: ago(7200), line: 'two hours ago' },
            { ts: ago(60), line: 'a minute ago' },
          ],
        },
      ],
      'lookback',
    );
    assert.equal(r.status, 204, r.text);
    const many: TestStream[] = [];
    for (let i = 0; i < 20; i++)
      many.push({ labels: `{app="s", n="${i}"}`, entries: [{ ts: ago(30), line: `n${i}` }] });
    r = await pushProto(skald.url, many, 'few-series');
    assert.equal(r.status, 204, r.text);
    // Enough for a heavy query to outlast 50ms.
    for (let batch = 0; batch < 20; batch++) {
      const entries = [];
      for (let i = 0; i < 10_000; i++)
        entries.push({
          ts: ago(600) + BigInt(batch * 10_000 + i),
          line: `{"level":"info","n":${i},"msg":"entry ${batch}-${i} of the slow tenant"}`,
        });
      r = await pushProto(skald.url, [{ labels: '{app="big"}', entries }], 'slow');
      assert.equal(r.status, 204, r.text);
    }
  });
  after(async () => {
    await skald.stop();
    await skald.cleanup();
  });

  it('refuses a range longer than max_query_length with 400', async () => {
    const r = await queryRange(
      skald.url,
      { query: '{app="x"}', start: String(ago(7200)), end: String(NOW_NS) },
      'short',
    );
    assert.equal(r.status, 400);
    assert.equal(r.text, 'the query time range exceeds the limit (query length: 2h0m0s, limit: 1h0m0s)');
    const ok = await queryRange(
      skald.url,
      { query: '{app="x"}', start: String(ago(1800)), end: String(NOW_NS) },
      'short',
    );
    assert.equal(ok.status, 200, ok.text);
  });

  it('does not look further back than max_query_lookback', async () => {
    const r = await queryRange(
      skald.url,
      { query: '{app="l"}', start: String(ago(3 * 3600)), end: String(NOW_NS) },
      'lookback',
    );
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      linesOf(r.json).map((l) => l.line),
      ['a minute ago'],
    );
  });

  it('stops a metric query returning more series than max_query_series', async () => {
    const r = await get(
      skald.url,
      '/loki/api/v1/query_range',
      { query: 'count_over_time({app="s"}[1m])', start: String(ago(600)), end: String(NOW_NS), step: '60' },
      'few-series',
    );
    assert.equal(r.status, 400);
    assert.equal(
      r.text,
      'maximum number of series (5) reached for a single query; consider reducing query cardinality by adding more specific stream selectors, reducing the time range, or aggregating results with functions like sum(), count() or topk()',
    );
    const grouped = await get<{ data: { result: unknown[] } }>(
      skald.url,
      '/loki/api/v1/query_range',
      { query: 'sum(count_over_time({app="s"}[1m]))', start: String(ago(600)), end: String(NOW_NS), step: '60' },
      'few-series',
    );
    assert.equal(grouped.status, 200, grouped.text);
    assert.equal(grouped.json.data.result.length, 1);
  });

  it('stops a query running past query_timeout with 504, while other queries are answered', async () => {
    const heavy = get(
      skald.url,
      '/loki/api/v1/query_range',
      {
        query:
          'sum by (level) (count_over_time({app="big"} | json | line_format "{{.msg}} {{.n}}" |~ "(e|n)+t.*y" [1m]))',
        start: String(ago(900)),
        end: String(NOW_NS),
        step: '1',
      },
      'slow',
    );
    const other = queryRange(
      skald.url,
      { query: '{app="l"}', start: String(ago(1800)), end: String(NOW_NS) },
      'lookback',
    );
    const [h, o] = await Promise.all([heavy, other]);
    assert.equal(h.status, 504, h.text.slice(0, 200));
    assert.equal(
      h.text,
      'request timed out, decrease the duration of the request or add more label matchers (prefer exact match over regex match) to reduce the amount of data processed',
    );
    assert.equal(o.status, 200);
    assert.deepEqual(
      linesOf(o.json).map((l) => l.line),
      ['a minute ago'],
    );
    // The server is still answering, and the tenant's light queries still fit.
    const light = await queryRange(
      skald.url,
      { query: '{app="big"}', start: String(ago(900)), end: String(NOW_NS), limit: '5' },
      'slow',
    );
    assert.equal(light.status, 200, light.text);
  });
});
