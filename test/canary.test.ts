// End to end: `skald canary` in push mode against a real Skald server, reading back over the
// WebSocket tail, with intervals short enough that pruning, spot checks, the metric test and the
// cache test all run within the test.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { describe, it } from 'node:test';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { runCanary } from '../src/canary/main.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

const INTERVAL_MS = 100;

/** A canary running in this process until `finish()`. */
interface RunningCanary {
  readonly metricsUrl: string;
  stderr(): string;
  metrics(): Promise<Map<string, number>>;
  finish(): Promise<number>;
}

async function startCanary(
  skald: SkaldProcess,
  args: string[],
  addr = `127.0.0.1:${skald.port}`,
): Promise<RunningCanary> {
  const abort = new AbortController();
  let stderr = '';
  let stdout = '';
  let resolvePort: (port: number) => void = () => undefined;
  const listening = new Promise<number>((resolve) => {
    resolvePort = resolve;
  });
  const exited = runCanary(
    [`-addr=${addr}`, '-push', '-port=0', ...args],
    {},
    {
      signal: abort.signal,
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      onListening: resolvePort,
    },
  );
  const port = await Promise.race([listening, exited.then((code) => Promise.reject(new Error(`exit ${code}`)))]);
  const metricsUrl = `http://127.0.0.1:${port}`;
  return {
    metricsUrl,
    stderr: () => stderr,
    metrics: async () => parseMetrics(await (await fetch(`${metricsUrl}/metrics`)).text()),
    finish: async () => {
      abort.abort();
      const code = await exited;
      assert.equal(stdout, '', 'push mode writes nothing to standard output');
      return code;
    },
  };
}

/** Samples of the Prometheus text format by `name{labels}`, labels as printed. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

function sample(metrics: Map<string, number>, name: string): number {
  const v = metrics.get(name);
  assert.notEqual(v, undefined, `metric ${name} is exposed`);
  return v!;
}

const testdata = (name: string) => fileURLToPath(new URL(`../src/canary/testdata/${name}`, import.meta.url));

/**
 * Terminates TLS in front of Skald, as a gateway would, and forwards the bytes. With
 * `requireClientCert` only clients holding a certificate from the test CA get through.
 * (The test CA, server and client certificates in testdata/ were made with openssl:
 * `req -x509` for the CA, then `req -newkey` and `x509 -req -CA ca.pem` for the server,
 * with subjectAltName `DNS:localhost,IP:127.0.0.1`, and for the client.)
 */
async function tlsProxy(target: number, requireClientCert: boolean): Promise<{ port: number; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(
    {
      key: readFileSync(testdata('server-key.pem')),
      cert: readFileSync(testdata('server.pem')),
      ca: readFileSync(testdata('ca.pem')),
      requestCert: requireClientCert,
      rejectUnauthorized: requireClientCert,
    },
    (client) => {
      const upstream = net.connect(target, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('skald canary against Skald', () => {
  it('runs for a minute with nothing missing, out of order or lost from storage', async () => {
    const skald = await startSkald();
    try {
      const canary = await startCanary(skald, [
        '-labelvalue=canary-steady',
        `-interval=${INTERVAL_MS}ms`,
        '-size=256',
        '-wait=5s',
        '-max-wait=15s',
        '-pruneinterval=2s',
        '-spot-check-interval=5s',
        '-spot-check-query-rate=5s',
        '-spot-check-initial-wait=2s',
        '-spot-check-max=1m',
        '-metric-test-interval=10s',
        '-metric-test-range=8s',
        '-cache-test-interval=10s',
        '-cache-test-now=5s',
        '-cache-test-range=5s',
      ]);
      await sleep(60_000);
      const m = await canary.metrics();
      const entries = sample(m, 'loki_canary_entries_total');
      assert.ok(entries >= 500 && entries <= 615, `about ten entries a second were written (${entries})`);
      assert.equal(sample(m, 'loki_canary_missing_entries_total'), 0);
      assert.equal(sample(m, 'loki_canary_websocket_missing_entries_total'), 0);
      assert.equal(sample(m, 'loki_canary_out_of_order_entries_total'), 0);
      assert.equal(sample(m, 'loki_canary_duplicate_entries_total'), 0);
      assert.equal(sample(m, 'loki_canary_unexpected_entries_total'), 0);
      // Every entry but the last few in flight came back over the tail.
      const received = sample(m, 'loki_canary_response_latency_seconds_count');
      assert.ok(received >= entries - 5, `${received} of ${entries} entries came back`);
      assert.ok(
        sample(m, 'loki_canary_response_latency_seconds_bucket{le="2"}') >= received - 5,
        'entries come back within two seconds',
      );
      // Spot checks ran and found every sampled entry.
      assert.ok(sample(m, 'loki_canary_spot_check_entries_total') >= 10);
      assert.equal(sample(m, 'loki_canary_spot_check_missing_entries_total'), 0);
      assert.ok(sample(m, 'loki_canary_spot_check_request_duration_seconds_count') >= 10);
      // The metric test over 8s expects 80 entries; Loki documents a deviation of 3-4 entries.
      const expected = sample(m, 'loki_canary_metric_test_expected');
      const actual = sample(m, 'loki_canary_metric_test_actual');
      assert.equal(expected, 80);
      assert.ok(Math.abs(expected - actual) <= 4, `metric test: expected ${expected}, got ${actual}`);
      assert.ok(sample(m, 'loki_canary_metric_test_request_duration_seconds_count') >= 4);
      // The cache test compared cached and uncached counts without a difference.
      assert.ok(sample(m, 'loki_canary_cache_test_query_results_total{status="success"}') >= 3);
      assert.equal(sample(m, 'loki_canary_cache_test_query_results_diff_total'), 0);
      assert.ok(sample(m, 'loki_canary_ws_pings_total') > 0, 'the server pings the tail');
      assert.equal(sample(m, 'loki_canary_ws_reconnects_total'), 0);

      // The lines in Skald are loki-canary's: `<ns> ppp…\n`, 256 bytes, labelled for push mode.
      const query = new URLSearchParams({
        query: '{name="canary-steady", stream="push"}',
        limit: '50',
        start: String((Date.now() - 70_000) * 1e6),
      });
      const res = (await (await fetch(`${skald.url}/loki/api/v1/query_range?${query}`)).json()) as {
        data: { result: Array<{ stream: Record<string, string>; values: [string, string][] }> };
      };
      assert.deepEqual(res.data.result[0]!.stream, { name: 'canary-steady', stream: 'push' });
      for (const [ts, line] of res.data.result[0]!.values) {
        assert.equal(line, `${ts} ${'p'.repeat(256 - ts.length - 2)}\n`);
      }

      assert.equal(await canary.finish(), 0);
      assert.match(canary.stderr(), /shutting down\n/);
    } finally {
      await skald.stop();
      await skald.cleanup();
    }
  });

  it('counts the entries written while Skald was down as missing, and no others', async () => {
    let skald = await startSkald();
    const { port, dataDir } = skald;
    try {
      const canary = await startCanary(skald, [
        '-labelvalue=canary-outage',
        `-interval=${INTERVAL_MS}ms`,
        '-wait=3s',
        '-max-wait=8s',
        '-pruneinterval=1s',
        '-query-timeout=2s',
        '-write-min-backoff=50ms',
        '-write-max-backoff=100ms',
        '-write-max-retries=2',
      ]);
      await sleep(6_000);
      const killedAt = Date.now();
      await skald.kill();
      await sleep(4_000);
      const restartAt = Date.now();
      skald = await startSkald({ port, dataDir });
      const upAt = Date.now();

      // The outage's entries are looked up until max-wait has passed, then given up on.
      let m = await canary.metrics();
      await waitUntil(
        async () => {
          m = await canary.metrics();
          return sample(m, 'loki_canary_missing_entries_total') > 0;
        },
        40_000,
        'missing entries to be counted',
      );
      // Let the rest of the outage pass max-wait too, and later entries come back.
      await sleep(12_000);
      m = await canary.metrics();
      const missing = sample(m, 'loki_canary_missing_entries_total');
      const lower = ((restartAt - killedAt) / INTERVAL_MS) * 0.7;
      const upper = (upAt - killedAt) / INTERVAL_MS + 15;
      assert.ok(missing >= lower && missing <= upper, `missing ${missing} within [${lower}, ${upper}]`);
      assert.ok(sample(m, 'loki_canary_websocket_missing_entries_total') >= missing);
      assert.ok(sample(m, 'loki_canary_ws_reconnects_total') >= 1, 'the tail reconnected');
      assert.equal(sample(m, 'loki_canary_out_of_order_entries_total'), 0);
      assert.match(canary.stderr(), /error reading websocket, will retry in 10 seconds: /);
      assert.match(canary.stderr(), /failed to receive entry \d+ within 8\.000000 seconds\n/);
      assert.match(canary.stderr(), /level=warn msg="failed to send entry, retrying" entry=\d+ status=-1 error=/);

      // After the outage, entries arrive over the reconnected tail again.
      const before = sample(m, 'loki_canary_response_latency_seconds_count');
      await sleep(2_000);
      const after = sample(await canary.metrics(), 'loki_canary_response_latency_seconds_count');
      assert.ok(after - before >= 10, `entries come back after the restart (${after - before} in 2s)`);

      assert.equal(await canary.finish(), 0);
    } finally {
      await skald.stop();
      await skald.cleanup();
    }
  });

  it('reconnects at once when Skald ends the tail at tail_max_duration, and can be suspended and resumed', async () => {
    const skald = await startSkald({ extraConfig: 'querier:\n  tail_max_duration: 3s\n' });
    try {
      const canary = await startCanary(skald, [
        '-labelvalue=canary-reconnect',
        `-interval=${INTERVAL_MS}ms`,
        '-wait=3s',
        '-pruneinterval=1s',
      ]);
      await sleep(10_000);
      let m = await canary.metrics();
      assert.ok(sample(m, 'loki_canary_ws_reconnects_total') >= 2, 'the tail was reconnected');
      assert.match(canary.stderr(), /tail max duration limit exceeded, will retry immediately: websocket: close 1011/);
      assert.equal(sample(m, 'loki_canary_websocket_missing_entries_total'), 0);
      assert.equal(sample(m, 'loki_canary_missing_entries_total'), 0);

      assert.equal((await fetch(`${canary.metricsUrl}/suspend`)).status, 200);
      const suspended = sample(await canary.metrics(), 'loki_canary_entries_total');
      await sleep(1_000);
      assert.equal(sample(await canary.metrics(), 'loki_canary_entries_total'), suspended, 'nothing is written');
      assert.equal((await fetch(`${canary.metricsUrl}/resume`)).status, 200);
      await sleep(1_000);
      m = await canary.metrics();
      assert.ok(sample(m, 'loki_canary_entries_total') >= suspended + 5, 'writing resumed');
      assert.match(canary.stderr(), /suspending\n[\s\S]*restarting\n/);

      assert.equal(await canary.finish(), 0);
    } finally {
      await skald.stop();
      await skald.cleanup();
    }
  });

  it('pushes, tails and queries over TLS with a client certificate, or with -insecure', async () => {
    const skald = await startSkald();
    const mutual = await tlsProxy(skald.port, true);
    const unverified = await tlsProxy(skald.port, false);
    try {
      const common = [`-interval=${INTERVAL_MS}ms`, '-wait=2s', '-pruneinterval=1s', '-tls'];
      const withCert = await startCanary(
        skald,
        [
          ...common,
          '-labelvalue=canary-mtls',
          `-ca-file=${testdata('ca.pem')}`,
          `-cert-file=${testdata('client.pem')}`,
          `-key-file=${testdata('client-key.pem')}`,
        ],
        `localhost:${mutual.port}`,
      );
      const insecure = await startCanary(
        skald,
        [...common, '-labelvalue=canary-insecure', '-insecure'],
        `127.0.0.1:${unverified.port}`,
      );
      await sleep(5_000);
      for (const canary of [withCert, insecure]) {
        const m = await canary.metrics();
        assert.ok(sample(m, 'loki_canary_response_latency_seconds_count') >= 30, canary.stderr());
        assert.equal(sample(m, 'loki_canary_websocket_missing_entries_total'), 0);
        assert.match(canary.stderr(), /Connecting to loki at wss:\/\//);
        assert.equal(await canary.finish(), 0);
      }
    } finally {
      mutual.close();
      unverified.close();
      await skald.stop();
      await skald.cleanup();
    }
  });
});
