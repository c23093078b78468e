// The query API's parameters, errors and less common options, as Loki
// answers them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get, linesOf, pushProto, queryRange, type StreamsResult } from './helpers/loki-client.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

const BASE = 1_700_000_000_000_000_000n;
const SEC = 1_000_000_000n;
const range = { start: String(BASE), end: String(BASE + 600n * SEC) };

describe('query API', () => {
  let skald: SkaldProcess;
  before(async () => {
    skald = await startSkald({ limits: { max_entries_limit_per_query: 500, max_query_series: 3 } });
    const streams = ['a', 'b', 'c', 'd'].map((app, s) => ({
      labels: `{app="${app}", env="test"}`,
      entries: Array.from({ length: 100 }, (_, i) => ({
        ts: BASE + BigInt(i * 5 + s) * SEC,
        line: `level=${i % 2 ? 'info' : 'error'} app=${app} n=${i}`,
      })),
    }));
    assert.equal((await pushProto(skald.url, streams)).status, 204);
  });
  after(async () => {
    await skald.stop();
    await skald.cleanup();
  });

  it('formats queries with format_query, and answers a bad one with invalid-query', async () => {
    let r = await get<{ status: string; data: string }>(skald.url, '/loki/api/v1/format_query', {
      query: '{app="a"}|="x"|logfmt',
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: 'success', data: '{app="a"} |= "x" | logfmt' });
    r = await get(skald.url, '/loki/api/v1/format_query', { query: '{app="a"' });
    assert.equal(r.status, 400);
    assert.equal((r.json as { status: string }).status, 'invalid-query');
  });

  it('keeps at least interval between entries with the interval parameter', async () => {
    const r = await queryRange(skald.url, {
      query: '{env="test"}',
      ...range,
      direction: 'forward',
      interval: '30',
      limit: '5',
    });
    assert.equal(r.status, 200, r.text);
    const ts = linesOf(r.json)
      .map((l) => BigInt(l.ts))
      .sort((a, b) => (a < b ? -1 : 1));
    assert.equal(ts.length, 5);
    for (let i = 1; i < ts.length; i++) assert.ok(ts[i]! - ts[i - 1]! >= 30n * SEC);
  });

  it('rejects bad parameters with Loki messages', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ limit: '0' }, 'limit must be a positive value'],
      [{ limit: 'x' }, 'strconv.Atoi: parsing "x": invalid syntax'],
      [{ direction: 'up' }, "invalid direction 'up'"],
      [
        { start: String(BASE + 10n * SEC), end: String(BASE) },
        'end timestamp must not be before or equal to start time',
      ],
      [{ step: '0' }, 'zero or negative query resolution step widths are not accepted. Try a positive integer'],
      [
        { step: '0.01' },
        'exceeded maximum resolution of 11,000 points per time series. Try increasing the value of the step parameter',
      ],
      [{ step: 'abc' }, 'cannot parse "abc" to a valid duration'],
      [
        { start: 'yesterday' },
        'could not parse \'start\' parameter: strconv.ParseInt: parsing "yesterday": invalid syntax',
      ],
      [{ limit: '501' }, 'max entries limit per query exceeded, limit > max_entries_limit_per_query (501 > 500)'],
    ];
    for (const [params, message] of cases) {
      const r = await queryRange(skald.url, { query: '{env="test"}', ...range, ...params });
      assert.equal(r.status, 400, JSON.stringify(params));
      assert.equal(r.text, message, JSON.stringify(params));
    }
  });

  it('stops queries that return more series than max_query_series', async () => {
    const r = await queryRange(skald.url, { query: 'count_over_time({env="test"}[1m])', ...range, step: '60' });
    assert.equal(r.status, 400);
    assert.match(r.text, /maximum number of series \(3\) reached for a single query/);
  });

  it('answers metric queries over parsed labels, and instant queries as vectors', async () => {
    const r = await queryRange(skald.url, {
      query: 'sum by (level) (count_over_time({app="a"} | logfmt [10m]))',
      ...range,
      step: '600',
    });
    assert.equal(r.status, 200, r.text);
    const v = await get<{
      data: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    }>(skald.url, '/loki/api/v1/query', {
      query: 'sum by (level) (count_over_time({app="a"} | logfmt [10m]))',
      time: String(BASE + 600n * SEC),
    });
    assert.equal(v.status, 200, v.text);
    assert.equal(v.json.data.resultType, 'vector');
    assert.deepEqual(
      v.json.data.result.map((x) => [x.metric.level, x.value[1]]).sort(),
      // The window (t-10m, t] leaves out the entry exactly 10m before t (an error line).
      [
        ['error', '49'],
        ['info', '50'],
      ],
    );
  });

  it('refuses unfiltered parser errors in metric queries, and accepts them once filtered', async () => {
    let r = await queryRange(skald.url, { query: 'count_over_time({app="a"} | json [10m])', ...range, step: '600' });
    assert.equal(r.status, 400);
    assert.match(r.text, /pipeline error: 'JSONParserErr'/);
    r = await queryRange(skald.url, {
      query: 'count_over_time({app="a"} | json | __error__="" [10m])',
      ...range,
      step: '600',
    });
    assert.equal(r.status, 200, r.text);
  });

  it('answers unknown paths with 404 and wrong methods with 405', async () => {
    let res = await fetch(`${skald.url}/loki/api/v1/nope`);
    assert.equal(res.status, 404);
    assert.equal(await res.text(), '404 page not found\n');
    res = await fetch(`${skald.url}/loki/api/v1/push`);
    assert.equal(res.status, 405);
  });

  it('accepts POST form bodies like GET parameters', async () => {
    const res = await fetch(`${skald.url}/loki/api/v1/query_range`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: '{app="b"}', ...range, limit: '3' }).toString(),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as StreamsResult;
    assert.equal(linesOf(body).length, 3);
  });
});
