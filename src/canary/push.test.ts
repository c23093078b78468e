// The push writer against a local HTTP server that answers with the faults Loki can return
// (429, 5xx, 4xx, a stalled response), which a healthy server cannot be made to produce on cue.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import snappy from 'snappy';
import { decodePushRequestProto } from '../distributor/decode-protobuf.js';
import { LokiHttpClient } from './http-client.js';
import { createPushWriter, type PushConfig } from './push.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  streams: Array<{ labels: string; lines: string[]; ts: bigint[] }>;
}

/** Answers pushes from a script of statuses (the last one repeats), or holds them while `hold` is set. */
class FaultyLoki {
  readonly received: Received[] = [];
  statuses: number[] = [204];
  hold = false;
  private held: http.ServerResponse[] = [];
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const decoded = decodePushRequestProto(snappy.uncompressSync(Buffer.concat(chunks)) as Buffer);
      this.received.push({
        headers: req.headers,
        streams: decoded.streams.map((s) => ({
          labels: s.labels,
          lines: s.entries.map((e) => e.line.toString()),
          ts: s.entries.map((e) => BigInt(e.sec) * 1_000_000_000n + BigInt(e.nanos)),
        })),
      });
      if (this.hold) {
        this.held.push(res);
        return;
      }
      this.answer(res);
    });
  });
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  release(): void {
    this.hold = false;
    for (const res of this.held.splice(0)) this.answer(res);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private answer(res: http.ServerResponse): void {
    const status = this.statuses.length > 1 ? this.statuses.shift()! : this.statuses[0]!;
    res.writeHead(status);
    res.end(status >= 300 ? 'boom\nsecond line' : '');
  }
}

async function eventually(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('push writer', () => {
  const loki = new FaultyLoki();
  let log = '';
  const config = (overrides: Partial<PushConfig> = {}): PushConfig => ({
    client: new LokiHttpClient({
      addr: `127.0.0.1:${loki.port}`,
      useTls: false,
      user: 'canary',
      pass: 'secret',
      tenantId: 'team-a',
    }),
    labels: '{name="loki-canary", stream="push"}',
    timeoutMs: 2000,
    backoff: { minMs: 5, maxMs: 10, maxRetries: 10 },
    batchSize: 1,
    userAgent: 'canary-push/test',
    log: { write: (s: string) => (log += s) },
    ...overrides,
  });

  before(() => loki.start());
  after(() => loki.close());

  it('pushes each entry as snappy protobuf with the tenant, credentials and its labels', async () => {
    loki.received.length = 0;
    loki.statuses = [204];
    const writer = createPushWriter(config());
    assert.equal(writer.writeEntry(1_700_000_000_123_456_789n, '1700000000123456789 ppp\n'), undefined);
    await eventually(() => loki.received.length === 1, 'the push');
    await writer.stop();
    const [push] = loki.received;
    assert.equal(push!.headers['content-type'], 'application/x-protobuf');
    assert.equal(push!.headers['user-agent'], 'canary-push/test');
    assert.equal(push!.headers['x-scope-orgid'], 'team-a');
    assert.equal(push!.headers.authorization, `Basic ${Buffer.from('canary:secret').toString('base64')}`);
    assert.deepEqual(push!.streams, [
      {
        labels: '{name="loki-canary", stream="push"}',
        lines: ['1700000000123456789 ppp\n'],
        ts: [1_700_000_000_123_456_789n],
      },
    ]);
  });

  it('retries 5xx and 429 answers until the push is accepted', async () => {
    loki.received.length = 0;
    loki.statuses = [500, 429, 204];
    log = '';
    const writer = createPushWriter(config());
    writer.writeEntry(7n, '7 p\n');
    await eventually(() => loki.received.length === 3, 'three attempts');
    await writer.stop();
    const warnings = log.trim().split('\n');
    assert.equal(warnings.length, 2);
    assert.equal(
      warnings[0],
      'level=warn msg="failed to send entry, retrying" entry=7 status=500 error="server returned HTTP status 500 Internal Server Error (500): boom"',
    );
    assert.match(warnings[1]!, /status=429 error="server returned HTTP status 429 Too Many Requests \(429\): boom"$/);
  });

  it('drops an entry Loki rejects with a 4xx other than 429, without retrying', async () => {
    loki.received.length = 0;
    loki.statuses = [400, 204];
    log = '';
    const writer = createPushWriter(config());
    writer.writeEntry(8n, '8 p\n');
    writer.writeEntry(9n, '9 p\n');
    await eventually(() => loki.received.length === 2, 'both pushes');
    await writer.stop();
    assert.equal(loki.received[1]!.streams[0]!.lines[0], '9 p\n');
    assert.match(
      log,
      /^level=error msg="failed to send entry, server rejected push with a non-retryable status code" entry=8 status=400 err=/,
    );
  });

  it('drops an entry once its retries are exhausted', async () => {
    loki.received.length = 0;
    loki.statuses = [503];
    log = '';
    const writer = createPushWriter(config({ backoff: { minMs: 1, maxMs: 2, maxRetries: 2 } }));
    writer.writeEntry(10n, '10 p\n');
    await eventually(() => log.includes('retries exhausted'), 'giving up');
    await writer.stop();
    // dskit's backoff: two waits, and the attempt after the last one is final.
    assert.equal(loki.received.length, 3);
    assert.match(
      log,
      /level=error msg="failed to send entry, retries exhausted, entry will be dropped" entry=10 status=503/,
    );
  });

  it('reports status -1 when Loki cannot be reached', async () => {
    log = '';
    const unreachable = new LokiHttpClient({ addr: '127.0.0.1:1', useTls: false, user: '', pass: '', tenantId: '' });
    const writer = createPushWriter(config({ client: unreachable, backoff: { minMs: 1, maxMs: 1, maxRetries: 1 } }));
    writer.writeEntry(11n, '11 p\n');
    await eventually(() => log.includes('retries exhausted'), 'giving up');
    await writer.stop();
    assert.match(
      log,
      /status=-1 error="failed to push payload: Post \\"http:\/\/127\.0\.0\.1:1\/loki\/api\/v1\/push\\": dial tcp 127\.0\.0\.1:1: connect: connection refused"/,
    );
  });

  it('queues 50 entries behind a stalled push, then makes the writer wait', async () => {
    loki.received.length = 0;
    loki.statuses = [204];
    loki.hold = true;
    const writer = createPushWriter(config());
    writer.writeEntry(0n, '0 p\n');
    await eventually(() => loki.received.length === 1, 'the stalled push');
    for (let i = 1; i <= 50; i++) assert.equal(writer.writeEntry(BigInt(i), `${i} p\n`), undefined);
    const waiting = writer.writeEntry(51n, '51 p\n');
    assert.ok(waiting instanceof Promise, 'the 51st queued entry makes the writer wait');
    loki.release();
    await waiting;
    await eventually(() => loki.received.length === 52, 'the queue to drain');
    await writer.stop();
    assert.deepEqual(
      loki.received.map((r) => r.streams[0]!.ts[0]),
      Array.from({ length: 52 }, (_, i) => BigInt(i)),
    );
  });

  it('sends batches of -logs-batch-size entries, one stream each, and the rest on stop', async () => {
    loki.received.length = 0;
    loki.statuses = [204];
    const writer = createPushWriter(config({ batchSize: 3 }));
    for (let i = 1; i <= 5; i++) writer.writeEntry(BigInt(i), `${i} p\n`);
    await eventually(() => loki.received.length === 1, 'the first batch');
    assert.deepEqual(
      loki.received[0]!.streams.map((s) => s.lines),
      [['1 p\n'], ['2 p\n'], ['3 p\n']],
    );
    await writer.stop();
    assert.equal(loki.received.length, 2);
    assert.deepEqual(
      loki.received[1]!.streams.map((s) => s.ts[0]),
      [4n, 5n],
    );
  });

  it('sends a partial batch once the flush interval has passed', async () => {
    loki.received.length = 0;
    const writer = createPushWriter(config({ batchSize: 10, batchFlushIntervalMs: 50 }));
    writer.writeEntry(1n, '1 p\n');
    await eventually(() => loki.received.length === 1, 'the timed flush');
    await writer.stop();
    assert.equal(loki.received.length, 1);
  });
});
