import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { responseJSON } from '../logql/engine/engine.js';
import { QueryStats } from '../logql/engine/stats.js';
import { HttpError } from '../server/http-error.js';
import { durationParam, HttpQuerier, parseAnswer } from './http-querier.js';

describe('HTTP querier answers', () => {
  it('keep the result text exactly as the querier wrote it', () => {
    const result = '[{"metric":{"stats":"x"},"values":[[1,"1"]]}]';
    const stats = new QueryStats();
    stats.decompressedLines = 42;
    const body = responseJSON({ resultType: 'matrix', result, stats, warnings: ['w'] });
    const r = parseAnswer(body);
    assert.equal(r.resultType, 'matrix');
    assert.equal(r.result, result);
    assert.deepEqual(r.warnings, ['w']);
    assert.equal(r.stats.decompressedLines, 42);
  });

  it('refuse a body that is not a query answer', () => {
    assert.throws(
      () => parseAnswer('{"status":"error"}'),
      (err) => err instanceof HttpError && err.status === 502,
    );
  });
});

describe('HTTP querier parameters', () => {
  it('write whole milliseconds as a duration and anything finer as seconds', () => {
    assert.equal(durationParam(60_000_000_000n), '60000ms');
    assert.equal(durationParam(2_000_000n), '2ms');
    assert.equal(durationParam(1_500_001n), '0.001500001');
  });
});

describe('HTTP querier and categorize-labels', () => {
  it('asks the querier for categorized labels only when the query does, and keeps its result text', async () => {
    const result = '[{"stream":{"app":"a"},"values":[["1","x",{"structuredMetadata":{"pod":"p"}}]]}]';
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      res.setHeader('Content-Type', 'application/json');
      const body = { resultType: 'streams' as const, result, stats: new QueryStats(), warnings: [] };
      res.end(responseJSON(body, ['categorize-labels']));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const querier = new HttpQuerier({ url: `http://127.0.0.1:${port}` });
      const q = {
        query: '{app="a"}',
        startNs: 0n,
        endNs: 10n,
        limit: 10,
        direction: 'backward' as const,
        stepNs: 1_000_000n,
        intervalNs: 0n,
      };
      const signal = new AbortController().signal;
      const r = await querier.rangeQuery('t', { ...q, categorizeLabels: true }, signal);
      assert.equal(r.result, result);
      await querier.instantQuery(
        't',
        { query: '{app="a"}', timeNs: 5n, limit: 1, direction: 'backward', categorizeLabels: true },
        signal,
      );
      await querier.rangeQuery('t', q, signal);
      assert.deepEqual(
        seen.map((h) => h['x-loki-response-encoding-flags']),
        ['categorize-labels', 'categorize-labels', undefined],
      );
    } finally {
      server.close();
    }
  });
});
