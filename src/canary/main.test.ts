import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { runCanary } from './main.js';

/** Runs the canary in this process; `during` gets the metrics port while it runs. */
async function runFor(args: string[], during: (port: number) => Promise<void> = async () => undefined) {
  let stdout = '';
  let stderr = '';
  const abort = new AbortController();
  let listening: (port: number) => void = () => undefined;
  const port = new Promise<number>((r) => {
    listening = r;
  });
  const exited = runCanary(
    args,
    {},
    {
      signal: abort.signal,
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      onListening: listening,
    },
  );
  const first = await Promise.race([port, exited.then(() => undefined)]);
  if (first !== undefined) {
    await during(first);
    abort.abort();
  }
  const code = await exited;
  return { code, stdout, stderr };
}

describe('runCanary', () => {
  it('exits before starting when the command line says so', async () => {
    assert.deepEqual(await runFor([]), {
      code: 1,
      stdout: '',
      stderr: 'Must specify a Loki address with -addr or set the environment variable LOKI_ADDRESS\n',
    });
    const version = await runFor(['-version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^skald canary, version /);
    assert.equal((await runFor(['-nope'])).code, 2);
  });

  it('stops with TLS and selector mistakes in loki-canary’s words', async () => {
    const tls = await runFor(['-addr=l:1', '-tls', '-ca-file=/does/not/exist.pem']);
    assert.equal(tls.code, 1);
    assert.equal(
      tls.stderr,
      'TLS configuration error: unable to load specified CA cert /does/not/exist.pem: open /does/not/exist.pem: no such file or directory\n',
    );
    const labels = await runFor(['-addr=l:1', '-labels=app=canary,broken']);
    assert.equal(labels.code, 1);
    assert.equal(
      labels.stderr,
      'Unable to create reader for Loki querier, check config: invalid label format: broken, expected key=value\n',
    );
  });

  it('writes lines to standard output without -push and serves its metrics', async () => {
    let metrics = '';
    let notFound: Response | undefined;
    const result = await runFor(['-addr=127.0.0.1:1', '-port=0', '-interval=20ms', '-size=50'], async (port) => {
      const deadline = Date.now() + 5000;
      do {
        await new Promise((r) => setTimeout(r, 50));
        metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      } while (!/^loki_canary_entries_total [2-9]/m.test(metrics) && Date.now() < deadline);
      notFound = await fetch(`http://127.0.0.1:${port}/elsewhere`);
    });
    assert.equal(result.code, 0);
    const lines = result.stdout.split('\n').filter((l) => l !== '');
    assert.ok(lines.length >= 2, `${lines.length} lines`);
    for (const line of lines) assert.match(line, /^\d{19} p{29}$/);
    assert.match(
      result.stderr,
      /^Connecting to loki at ws:\/\/127\.0\.0\.1:1\/loki\/api\/v1\/tail\?query=%7Bstream%3D%22stdout%22%2Cname%3D%22loki-canary%22%7D\+, using selector \{stream="stdout",name="loki-canary"\}\n/,
    );
    assert.match(
      result.stderr,
      /failed to connect to ws:\/\/127\.0\.0\.1:1\/.* with err dial tcp 127\.0\.0\.1:1: connect: connection refused\n/,
    );
    assert.match(result.stderr, /shutting down\n$/);

    for (const name of [
      'loki_canary_entries_total',
      'loki_canary_out_of_order_entries_total',
      'loki_canary_websocket_missing_entries_total',
      'loki_canary_missing_entries_total',
      'loki_canary_spot_check_missing_entries_total',
      'loki_canary_spot_check_entries_total',
      'loki_canary_unexpected_entries_total',
      'loki_canary_duplicate_entries_total',
      'loki_canary_metric_test_expected',
      'loki_canary_metric_test_actual',
      'loki_canary_response_latency_seconds',
      'loki_canary_metric_test_request_duration_seconds',
      'loki_canary_spot_check_request_duration_seconds',
      'loki_canary_cache_test_query_results_diff_total',
      'loki_canary_cache_test_query_results_total',
      'loki_canary_ws_reconnects_total',
      'loki_canary_ws_pings_total',
    ]) {
      assert.match(metrics, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
    assert.match(metrics, /^# HELP loki_canary_entries_total counts log entries written to the file$/m);
    // Ten exponential latency buckets from half a second.
    const bounds = [...metrics.matchAll(/^loki_canary_response_latency_seconds_bucket\{le="([^"]+)"\}/gm)].map(
      (m) => m[1],
    );
    assert.deepEqual(bounds, ['0.5', '1', '2', '4', '8', '16', '32', '64', '128', '256', '+Inf']);
    assert.match(metrics, /^loki_canary_entries_total [2-9]\d*$/m);
    assert.match(metrics, /^process_cpu_seconds_total /m);
    assert.equal(notFound?.status, 404);
    assert.equal(await notFound?.text(), '404 page not found\n');
  });

  it('exits 1 when its metrics port is taken', async () => {
    const blocker = http.createServer();
    await new Promise<void>((r) => blocker.listen(0, r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const result = await runFor(['-addr=127.0.0.1:1', `-port=${port}`]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });
});
