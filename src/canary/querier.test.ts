// The querier against a local HTTP server scripted with answers a healthy Loki does not give on cue:
// error statuses, wrong result types, several series.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { LokiHttpClient } from './http-client.js';
import { LokiQuerier } from './querier.js';

class ScriptedLoki {
  readonly requests: Array<{ url: string; headers: http.IncomingHttpHeaders }> = [];
  answers: Array<{ status: number; body: unknown }> = [];
  private readonly server = http.createServer((req, res) => {
    this.requests.push({ url: req.url ?? '', headers: req.headers });
    const answer = this.answers.shift() ?? { status: 200, body: {} };
    res.writeHead(answer.status, { 'Content-Type': 'application/json' });
    res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  });
  port = 0;
  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

const streams = (lines: string[]) => ({
  status: 'success',
  data: { resultType: 'streams', result: [{ stream: { name: 'loki-canary' }, values: lines.map((l) => ['1', l]) }] },
});
const vector = (values: string[]) => ({
  status: 'success',
  data: { resultType: 'vector', result: values.map((v, i) => ({ metric: { i: String(i) }, value: [1, v] })) },
});

describe('canary querier', () => {
  const loki = new ScriptedLoki();
  let log = '';
  const querier = (signal?: AbortSignal) =>
    new LokiQuerier({
      client: new LokiHttpClient({ addr: `127.0.0.1:${loki.port}`, useTls: false, user: '', pass: '', tenantId: 't1' }),
      selector: '{stream="push",name="loki-canary"}',
      queryAppend: '',
      timeoutMs: 2000,
      userAgent: 'loki-canary/test',
      log: { write: (s: string) => (log += s) },
      signal,
    });

  before(() => loki.start());
  after(() => loki.close());

  it("asks query_range for the selector's entries and reads their timestamps", async () => {
    loki.requests.length = 0;
    log = '';
    loki.answers = [{ status: 200, body: streams(['20 ppp\n', 'garbage', '10 p']) }];
    assert.deepEqual(await querier().query(5n, 25n), [20n, 10n]);
    const [req] = loki.requests;
    assert.equal(
      req!.url,
      '/loki/api/v1/query_range?start=5&end=25&query=%7Bstream%3D%22push%22%2Cname%3D%22loki-canary%22%7D+&limit=1000',
    );
    assert.equal(req!.headers['user-agent'], 'loki-canary/test');
    assert.equal(req!.headers['x-scope-orgid'], 't1');
    assert.match(
      log,
      /^Querying loki for logs with query: http:\/\/127\.0\.0\.1:\d+\/loki\/api\/v1\/query_range\?start=5&/,
    );
    assert.match(log, /received invalid entry: garbage\n/);
  });

  it('asks for count_over_time at a given time, bypassing caches when told to', async () => {
    loki.requests.length = 0;
    loki.answers = [
      { status: 200, body: vector(['42']) },
      { status: 200, body: vector(['41']) },
    ];
    const q = querier();
    assert.equal(await q.queryCountOverTime('60s', 99n, true), 42);
    assert.equal(await q.queryCountOverTime('60s', 99n, false), 41);
    assert.equal(
      loki.requests[0]!.url,
      '/loki/api/v1/query?query=count_over_time%28%7Bstream%3D%22push%22%2Cname%3D%22loki-canary%22%7D%5B60s%5D%29&time=99&limit=1000',
    );
    assert.equal(loki.requests[0]!.headers['cache-control'], undefined);
    assert.equal(loki.requests[1]!.headers['cache-control'], 'no-cache');
  });

  it("rejects answers of the wrong shape with loki-canary's messages", async () => {
    loki.answers = [
      { status: 200, body: vector(['1']) },
      { status: 200, body: streams([]) },
      { status: 200, body: vector([]) },
      { status: 200, body: vector(['1', '2']) },
    ];
    const q = querier();
    await assert.rejects(q.query(0n, 1n), {
      message: 'unexpected result type, expected a log stream result instead received vector',
    });
    await assert.rejects(q.queryCountOverTime('1s', 0n, true), {
      message: 'unexpected result type, expected a Vector result instead received streams',
    });
    await assert.rejects(q.queryCountOverTime('1s', 0n, true), {
      message: 'expected to receive one sample in the result vector, received 0',
    });
    await assert.rejects(q.queryCountOverTime('1s', 0n, true), {
      message: 'expected only a single series result in the metric test query vector, instead received 2',
    });
  });

  it('backs off after an error status before the next query', async () => {
    loki.requests.length = 0;
    log = '';
    loki.answers = [
      { status: 500, body: 'too busy' },
      { status: 200, body: streams(['1 p']) },
    ];
    const q = querier();
    await assert.rejects(q.query(0n, 1n), { message: 'error response from server: too busy (<nil>)' });
    assert.match(log, /Loki returned an error code: 500, waiting \d+(\.\d+)?(ms|s) before next query\.\n/);
    const started = Date.now();
    assert.deepEqual(await q.query(0n, 1n), [1n]);
    assert.ok(Date.now() - started >= 900, 'the next query waited for the backoff (at least 1s)');
  });

  it('waits five minutes after a 429, until stopped', async () => {
    log = '';
    loki.answers = [{ status: 429, body: 'slow down' }];
    const stop = new AbortController();
    const q = querier(stop.signal);
    await assert.rejects(q.queryCountOverTime('1s', 0n, true));
    assert.match(log, /Loki returned an error code: 429, waiting 5m0s before next query\.\n/);
    const waiting = q.query(0n, 1n);
    setTimeout(() => stop.abort(), 50);
    await assert.rejects(waiting, { message: 'context canceled' });
  });

  it('wraps network failures as loki-canary does', async () => {
    const q = new LokiQuerier({
      client: new LokiHttpClient({ addr: '127.0.0.1:1', useTls: false, user: '', pass: '', tenantId: '' }),
      selector: '{a="b"}',
      queryAppend: '',
      timeoutMs: 1000,
      userAgent: 'loki-canary/test',
      log: { write: () => undefined },
    });
    await assert.rejects(q.query(0n, 1n), {
      message:
        /^query_range request failed: Get "http:\/\/127\.0\.0\.1:1\/loki\/api\/v1\/query_range\?.*": dial tcp 127\.0\.0\.1:1: connect: connection refused$/,
    });
  });
});
