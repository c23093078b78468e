import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import snappy from 'snappy';
import { encodePushRequestProto } from '../../../distributor/decode-protobuf.js';
import { type RunningAgent, startAgent } from '../../test-agent.js';
import { type PushServer, startPushServer } from '../../test-push-server.js';
import { eventually } from '../../test-support.js';

describe('the loki_push_api receiver end to end', () => {
  let dir: string;
  let loki: PushServer;
  let running: RunningAgent;
  let base: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skald-push-'));
    loki = await startPushServer();
    running = await startAgent(
      dir,
      `
clients:
  - url: ${loki.url}
    batchwait: 50ms
scrape_configs:
  - job_name: push
    loki_push_api:
      server:
        http_listen_address: 127.0.0.1
        http_listen_port: 0
      labels:
        pushserver: agent-1
      use_incoming_timestamp: true
    relabel_configs:
      - action: drop
        source_labels: [app]
        regex: ignored
`,
    );
    base = `http://127.0.0.1:${running.agent.receiverPort('push')}`;
  });
  beforeEach(() => loki.reset());
  after(async () => {
    await running.stop();
    await loki.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('forwards a protobuf + snappy push with its timestamps, labels and structured metadata', async () => {
    const body = snappy.compressSync(
      encodePushRequestProto({
        streams: [
          {
            labels: '{app="api", env="prod"}',
            entries: [
              {
                sec: 1700000000,
                nanos: 42,
                line: Buffer.from('proto line'),
                structuredMetadata: [{ name: 'trace', value: 't1' }],
              },
            ],
          },
          {
            labels: '{app="ignored"}',
            entries: [{ sec: 1, nanos: 0, line: Buffer.from('dropped'), structuredMetadata: [] }],
          },
        ],
      }),
    );
    const res = await fetch(`${base}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body,
    });
    assert.equal(res.status, 204);
    await eventually(() => loki.lines().length === 1, 5000);
    const stream = loki.pushes[0]!.streams[0]!;
    assert.equal(stream.labels, '{app="api", env="prod", pushserver="agent-1"}');
    assert.deepEqual(stream.entries[0], {
      seconds: 1700000000n,
      nanos: 42,
      line: 'proto line',
      structuredMetadata: [{ name: 'trace', value: 't1' }],
    });
  });

  it('forwards a JSON push', async () => {
    const res = await fetch(`${base}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ streams: [{ stream: { app: 'json' }, values: [['1700000001000000005', 'json line']] }] }),
    });
    assert.equal(res.status, 204);
    await eventually(() => loki.lines().length === 1, 5000);
    assert.equal(loki.pushes[0]!.streams[0]!.labels, '{app="json", pushserver="agent-1"}');
    assert.equal(loki.pushes[0]!.streams[0]!.entries[0]!.nanos, 5);
  });

  it('accepts plain text lines on the raw endpoint', async () => {
    const res = await fetch(`${base}/promtail/api/v1/raw`, { method: 'POST', body: 'raw one\nraw two\n' });
    assert.equal(res.status, 204);
    await eventually(() => loki.lines().length === 2, 5000);
    assert.deepEqual(loki.lines(), [
      { labels: '{pushserver="agent-1"}', line: 'raw one' },
      { labels: '{pushserver="agent-1"}', line: 'raw two' },
    ]);
  });

  it('answers 400 for a request it cannot decode, and /ready', async () => {
    const res = await fetch(`${base}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{not json',
    });
    assert.equal(res.status, 400);
    const ready = await fetch(`${base}/ready`);
    assert.equal(await ready.text(), 'ready');
  });
});
