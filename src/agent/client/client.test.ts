import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { defaultValue } from '../../config/schema/defaults.js';
import { agentConfigBlock } from '../config/schema.js';
import type { ClientConfig } from '../config/types.js';
import { FlowControl } from '../flow-control.js';
import { LabelSet } from '../labels/label-set.js';
import { AgentMetrics } from '../metrics.js';
import { type Ack, CountdownAck } from '../pipeline/ack.js';
import { LogEntry } from '../pipeline/entry.js';
import { type PushServer, startPushServer } from '../test-push-server.js';
import { eventually, recordingLogger } from '../test-support.js';
import { ClientManager } from './manager.js';

function clientConfig(url: string, overrides: Partial<ClientConfig> = {}): ClientConfig {
  const base = defaultValue(agentConfigBlock).client;
  return {
    ...base,
    url,
    batchwait: 50,
    backoff_config: { min_period: 10, max_period: 40, max_retries: 3 },
    ...overrides,
  };
}

function entry(labels: Record<string, string>, line: string, sec: number, nanos: number, ack?: Ack): LogEntry {
  return LogEntry.fromBytes(LabelSet.fromRecord(labels), { sec, nanos }, Buffer.from(line), ack);
}

describe('client', () => {
  let server: PushServer;
  let metrics: AgentMetrics;
  let flow: FlowControl;
  const managers: ClientManager[] = [];

  function manager(
    cfg: Partial<ClientConfig> = {},
    limits: { maxLineSize?: number; truncate?: boolean; maxStreams?: number } = {},
  ) {
    const m = new ClientManager({
      clients: [clientConfig(server.url, cfg)],
      maxStreams: limits.maxStreams ?? 0,
      maxLineSize: limits.maxLineSize ?? 0,
      maxLineSizeTruncate: limits.truncate ?? false,
      metrics,
      flow,
      logger: recordingLogger(),
      userAgent: 'skald-agent/test',
      random: () => 0,
    });
    managers.push(m);
    return m;
  }

  async function counter(name: keyof AgentMetrics, labels: Record<string, string>): Promise<number> {
    const metric = metrics[name] as {
      get(): Promise<{ values: Array<{ labels: Record<string, unknown>; value: number }> }>;
    };
    const values = (await metric.get()).values.filter((v) =>
      Object.entries(labels).every(([k, x]) => v.labels[k] === x),
    );
    return values.reduce((n, v) => n + v.value, 0);
  }

  before(async () => {
    server = await startPushServer();
  });
  after(async () => {
    await server.close();
  });
  beforeEach(async () => {
    for (const m of managers.splice(0)) await m.stop(100);
    server.reset();
    metrics = new AgentMetrics();
    flow = new FlowControl(1 << 30);
  });

  it('pushes protobuf + snappy with every field and Promtail headers', async () => {
    const m = manager({
      tenant_id: 'team-a',
      headers: { 'X-Custom': 'yes' },
      basic_auth: { ...clientConfig('').basic_auth, username: 'u', password: 'p' },
    });
    const e1 = entry({ job: 'varlogs', filename: '/var/log/a.log' }, 'first line', 1700000000, 123456789);
    e1.addStructuredMetadata('trace_id', 'abc');
    m.handle(e1);
    m.handle(entry({ job: 'varlogs', filename: '/var/log/a.log' }, 'second "line" ü', 1700000001, 5));
    m.handle(entry({ job: 'other' }, '', 1700000002, 0));
    await eventually(() => server.pushes.length === 1, 2000, 'one push');
    const push = server.pushes[0]!;
    assert.equal(push.path, '/loki/api/v1/push');
    assert.equal(push.headers['content-type'], 'application/x-protobuf');
    assert.equal(push.headers['user-agent'], 'skald-agent/test');
    assert.equal(push.headers['x-scope-orgid'], 'team-a');
    assert.equal(push.headers['x-custom'], 'yes');
    assert.equal(push.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
    const byLabels = new Map(push.streams.map((s) => [s.labels, s.entries]));
    assert.deepEqual([...byLabels.keys()].sort(), ['{filename="/var/log/a.log", job="varlogs"}', '{job="other"}']);
    assert.deepEqual(byLabels.get('{filename="/var/log/a.log", job="varlogs"}'), [
      {
        seconds: 1700000000n,
        nanos: 123456789,
        line: 'first line',
        structuredMetadata: [{ name: 'trace_id', value: 'abc' }],
      },
      { seconds: 1700000001n, nanos: 5, line: 'second "line" ü', structuredMetadata: [] },
    ]);
    assert.deepEqual(byLabels.get('{job="other"}'), [
      { seconds: 1700000002n, nanos: 0, line: '', structuredMetadata: [] },
    ]);
    // The server records the push before the client has read the answer.
    await eventually(async () => (await counter('sentEntries', { host: new URL(server.url).host })) === 3, 2000);
  });

  it('sends a separate request per tenant and leaves the tenant label out of the stream', async () => {
    const m = manager({ tenant_id: 'default' });
    m.handle(entry({ job: 'a', __tenant_id__: 'team-b' }, 'to b', 1, 0));
    m.handle(entry({ job: 'a' }, 'to default', 1, 1));
    await eventually(() => server.pushes.length === 2, 2000, 'two pushes');
    const byTenant = new Map(server.pushes.map((p) => [p.headers['x-scope-orgid'], p.streams]));
    assert.equal(byTenant.get('team-b')![0]!.labels, '{job="a"}');
    assert.equal(byTenant.get('default')![0]!.entries[0]!.line, 'to default');
  });

  it('adds external labels under the entry labels', async () => {
    const m = manager({ external_labels: { cluster: 'c1', job: 'overridden' } });
    m.handle(entry({ job: 'a' }, 'x', 1, 0));
    await eventually(() => server.pushes.length === 1);
    assert.equal(server.pushes[0]!.streams[0]!.labels, '{cluster="c1", job="a"}');
  });

  it('sends a batch once adding an entry would exceed batchsize', async () => {
    const m = manager({ batchsize: 25, batchwait: 60_000 });
    for (let i = 0; i < 5; i++) m.handle(entry({ job: 'a' }, `line-${i}-xxxxx`, 1, i)); // 12 bytes each
    await eventually(() => server.pushes.length === 2, 2000, 'two full batches');
    assert.deepEqual(
      server.pushes.map((p) => p.streams[0]!.entries.length),
      [2, 2],
    );
    await m.stop(1000);
    assert.equal(server.pushes.length, 3, 'the rest is sent when stopping');
  });

  it('waits batchwait before sending a partial batch', async () => {
    const m = manager({ batchwait: 300 });
    const start = Date.now();
    m.handle(entry({ job: 'a' }, 'x', 1, 0));
    await eventually(() => server.pushes.length === 1, 3000);
    assert.ok(Date.now() - start >= 280, `sent after ${Date.now() - start}ms`);
  });

  it('retries 429 and 5xx with backoff and acknowledges only after success', async () => {
    server.respondWith(429, 503);
    let acked = false;
    const m = manager();
    m.handle(entry({ job: 'a' }, 'x', 1, 0, new CountdownAck(1, () => (acked = true))));
    await eventually(() => server.pushes.length === 3, 3000, 'three attempts');
    await eventually(() => acked, 1000, 'acknowledgement');
    assert.deepEqual(
      server.pushes.map((p) => p.status),
      [429, 503, 204],
    );
    assert.equal(await counter('batchRetries', { tenant: '' }), 2);
  });

  it('drops a batch the server refuses with 400, and counts it', async () => {
    server.respondWith(400);
    let acked = false;
    const m = manager();
    m.handle(entry({ job: 'a' }, 'bad', 1, 0, new CountdownAck(1, () => (acked = true))));
    await eventually(() => acked, 2000, 'acknowledgement of the dropped batch');
    assert.equal(server.pushes.length, 1);
    assert.equal(await counter('droppedEntries', { reason: 'ingester_error' }), 1);
    assert.equal(await counter('batchRetries', {}), 0);
  });

  it('gives up after max_retries and counts rate-limited drops', async () => {
    server.respondWith(429, 429, 429, 429);
    let acked = false;
    const m = manager({ backoff_config: { min_period: 5, max_period: 10, max_retries: 3 } });
    m.handle(entry({ job: 'a' }, 'x', 1, 0, new CountdownAck(1, () => (acked = true))));
    await eventually(() => acked, 3000);
    assert.equal(server.pushes.length, 3);
    assert.equal(await counter('droppedEntries', { reason: 'rate_limited' }), 1);
  });

  it('drops rate-limited batches at once with drop_rate_limited_batches', async () => {
    server.respondWith(429);
    let acked = false;
    const m = manager({ drop_rate_limited_batches: true });
    m.handle(entry({ job: 'a' }, 'x', 1, 0, new CountdownAck(1, () => (acked = true))));
    await eventually(() => acked, 2000);
    assert.equal(server.pushes.length, 1);
    assert.equal(await counter('droppedEntries', { reason: 'rate_limited' }), 1);
  });

  it('drops or truncates lines over max_line_size', async () => {
    const dropping = manager({}, { maxLineSize: 4 });
    dropping.handle(entry({ job: 'a' }, 'toolong', 1, 0));
    dropping.handle(entry({ job: 'a' }, 'ok', 1, 1));
    await eventually(() => server.pushes.length === 1);
    assert.deepEqual(
      server.pushes[0]!.streams[0]!.entries.map((e) => e.line),
      ['ok'],
    );
    assert.equal(await counter('droppedEntries', { reason: 'line_too_long' }), 1);
    server.pushes.length = 0;
    const truncating = manager({}, { maxLineSize: 4, truncate: true });
    truncating.handle(entry({ job: 'a' }, 'toolong', 1, 0));
    await eventually(() => server.pushes.length === 1);
    assert.equal(server.pushes[0]!.streams[0]!.entries[0]!.line, 'tool');
    assert.equal(await counter('mutatedBytes', { reason: 'line_too_long' }), 3);
  });

  it('abandons unsent batches at shutdown without acknowledging them', async () => {
    server.respondWith(503, 503, 503, 503, 503);
    let acked = false;
    const m = manager({ backoff_config: { min_period: 1000, max_period: 1000, max_retries: 10 } });
    m.handle(entry({ job: 'a' }, 'x', 1, 0, new CountdownAck(1, () => (acked = true))));
    await eventually(() => server.pushes.length >= 1, 2000);
    await m.stop(50);
    assert.equal(acked, false);
    assert.equal(flow.heldBytes, 0);
  });

  it('sends each entry to every client and acknowledges it once all are done', async () => {
    const second = await startPushServer();
    try {
      let acked = 0;
      const m = new ClientManager({
        clients: [clientConfig(server.url), clientConfig(second.url, { name: 'second' })],
        maxStreams: 0,
        maxLineSize: 0,
        maxLineSizeTruncate: false,
        metrics,
        flow,
        logger: recordingLogger(),
        userAgent: 'skald-agent/test',
      });
      managers.push(m);
      second.respondWith(500);
      m.handle(entry({ job: 'a' }, 'x', 1, 0, new CountdownAck(1, () => acked++)));
      await eventually(() => server.pushes.length === 1 && second.pushes.length === 2, 3000);
      await eventually(() => acked === 1, 1000);
    } finally {
      await second.close();
    }
  });
});
