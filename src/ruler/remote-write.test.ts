import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, before, describe, it, test } from 'node:test';
import { Registry } from 'prom-client';
import protobuf from 'protobufjs';
import snappy from 'snappy';
import type { Logger } from '../util/log.js';
import { RulerMetrics } from './metrics.js';
import { DEFAULT_QUEUE, encodeWriteRequest, type RemoteWriteClientConfig, RemoteWriter } from './remote-write.js';
import { compileRelabelBlocks } from './ruler.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

// Prometheus' remote-write 1.0 messages (prompb/remote.proto, types.proto), to read what was sent.
const WriteRequest = protobuf
  .parse(`syntax = "proto3";
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }`)
  .root.lookupType('WriteRequest');

interface Decoded {
  timeseries: Array<{
    labels: Array<{ name: string; value: string }>;
    samples: Array<{ value: number; timestamp: number }>;
  }>;
}

function decode(buf: Uint8Array): Decoded {
  return WriteRequest.toObject(WriteRequest.decode(buf), { longs: Number }) as Decoded;
}

const series = (name: string, app: string) => [
  { name: '__name__', value: name },
  { name: 'app', value: app },
];

test('samples are encoded as a WriteRequest, one time series per label set, staleness as Prometheus’ StaleNaN', () => {
  const buf = encodeWriteRequest([
    { labels: series('a', 'web'), value: 1.5, timestampMs: 2000 },
    { labels: series('a', 'db'), value: 2, timestampMs: 1000 },
    { labels: series('a', 'web'), value: 0.5, timestampMs: 1000 },
    { labels: series('a', 'db'), value: Number.NaN, timestampMs: 3000, stale: true },
  ]);
  const req = decode(buf);
  assert.deepEqual(
    req.timeseries.map((ts) => [ts.labels.map((l) => l.value).join(','), ts.samples.map((s) => s.timestamp)]),
    [
      ['a,web', [1000, 2000]],
      ['a,db', [1000, 3000]],
    ],
  );
  assert.deepEqual(
    req.timeseries[0]!.samples.map((s) => s.value),
    [0.5, 1.5],
  );
  // The stale marker's exact bits: 0x7ff0000000000002, little-endian in the fixed64 field.
  assert.ok(buf.toString('hex').includes('09020000000000f07f'));
});

describe('a tenant’s remote writer', () => {
  const received: Array<{ headers: IncomingHttpHeaders; body: Decoded }> = [];
  const statuses: number[] = [];
  let server: Server;
  let url = '';
  const registry = new Registry();
  const metrics = new RulerMetrics(registry, { disableRuleGroupLabel: false, groups: () => [] });

  before(async () => {
    server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        const status = statuses.shift() ?? 204;
        if (status < 300) {
          received.push({ headers: req.headers, body: decode(snappy.uncompressSync(Buffer.concat(parts)) as Buffer) });
        }
        res.statusCode = status;
        res.end(status < 300 ? '' : 'nope');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/api/v1/write`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const client = (over: Partial<RemoteWriteClientConfig> = {}): RemoteWriteClientConfig => ({
    name: 'team-a-rw-prom',
    url: new URL(url),
    timeoutMs: 5000,
    headers: { 'X-Scope-OrgID': 'team-a', 'X-Extra': 'yes' },
    relabel: [],
    auth: { basic: { username: 'u', password: 'p' } },
    tls: {},
    queue: { ...DEFAULT_QUEUE, batchSendDeadlineMs: 20, minBackoffMs: 5, maxBackoffMs: 10 },
    ...over,
  });

  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('sends snappy-compressed protobuf with remote-write 1.0 headers after the batch deadline', async () => {
    const w = new RemoteWriter('team-a', [client()], metrics, quiet);
    w.append([{ labels: series('app:rate', 'web'), value: 3, timestampMs: 1_700_000_000_000 }]);
    await until(() => received.length === 1);
    await w.stop();
    const [req] = received;
    assert.equal(req!.headers['content-encoding'], 'snappy');
    assert.equal(req!.headers['content-type'], 'application/x-protobuf');
    assert.equal(req!.headers['x-prometheus-remote-write-version'], '0.1.0');
    assert.equal(req!.headers['x-scope-orgid'], 'team-a');
    assert.equal(req!.headers['x-extra'], 'yes');
    assert.equal(req!.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.deepEqual(req!.body.timeseries[0]!.samples, [{ value: 3, timestamp: 1_700_000_000_000 }]);
  });

  it('retries server errors and gives up on client errors', async () => {
    received.length = 0;
    statuses.push(503, 500);
    const w = new RemoteWriter('team-b', [client({ name: 'team-b-rw-prom' })], metrics, quiet);
    w.append([{ labels: series('x', 'a'), value: 1, timestampMs: 1 }]);
    await until(() => received.length === 1);
    statuses.push(400);
    w.append([{ labels: series('x', 'b'), value: 1, timestampMs: 2 }]);
    let text = '';
    for (let i = 0; i < 200 && !/samples_failed_total\{tenant="team-b"[^}]*\} 1/.test(text); i++) {
      await new Promise((r) => setTimeout(r, 10));
      text = await registry.metrics();
    }
    await w.stop();
    assert.match(
      text,
      /loki_ruler_wal_prometheus_remote_storage_samples_retried_total\{tenant="team-b",remote_name="team-b-rw-prom",url="[^"]+"\} 2/,
    );
    assert.match(text, /loki_ruler_wal_prometheus_remote_storage_samples_total\{tenant="team-b",[^}]*\} 1/);
    assert.match(text, /loki_ruler_wal_prometheus_remote_storage_samples_failed_total\{tenant="team-b",[^}]*\} 1/);
  });

  it('applies write_relabel_configs before sending', async () => {
    received.length = 0;
    const relabel = compileRelabelBlocks([
      {
        source_labels: ['app'],
        regex: 'db',
        action: 'drop',
        separator: '',
        modulus: 0,
        target_label: '',
        replacement: '',
      },
      {
        source_labels: [],
        regex: '',
        action: 'replace',
        separator: '',
        modulus: 0,
        target_label: 'origin',
        replacement: 'loki',
      },
    ]);
    const w = new RemoteWriter('team-c', [client({ relabel })], metrics, quiet);
    w.append([
      { labels: series('x', 'web'), value: 1, timestampMs: 1 },
      { labels: series('x', 'db'), value: 1, timestampMs: 1 },
    ]);
    await until(() => received.length === 1);
    await w.stop();
    assert.deepEqual(
      received[0]!.body.timeseries.map((t) => t.labels),
      [
        [
          { name: '__name__', value: 'x' },
          { name: 'app', value: 'web' },
          { name: 'origin', value: 'loki' },
        ],
      ],
    );
  });
});
