// Four tenants push at once, one of them far above its ingestion rate: the
// noisy tenant gets 429s and only its limit's worth of data in, while the
// others get every push accepted at the rate they push, and the process stays
// within its memory budget. Lines come from the loghub sample logs
// (https://github.com/logpai/loghub). Bounded: about 60 MB over ~6 seconds.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requireLoghub } from '../src/testing/loghub.js';
import { get, protoBody, type TestStream } from './helpers/loki-client.js';
import { metricValue } from './helpers/metrics.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

const MB = 1024 * 1024;
const DURATION_MS = 6000;
/** Each quiet tenant pushes this many bytes per second, half its limit. */
const QUIET_RATE = 3 * MB;
const QUIET_LIMIT_MB = 6;
const NOISY_LIMIT_MB = 1;
const BATCH_LINES = 1000;
const MEMORY_BUDGET = 400 * MB;

const QUIET = ['quiet-a', 'quiet-b', 'quiet-c'];
const NOISY = 'noisy';

interface Outcome {
  pushes: number;
  accepted: number;
  refused429: number;
  otherFailures: string[];
  acceptedLines: number;
  acceptedBytes: number;
  elapsedMs: number;
}

/** Batches of real log lines, timestamped from `startNs` on, one nanosecond apart per line. */
function* batches(lines: string[], app: string, startNs: bigint): Generator<{ body: Buffer; bytes: number }> {
  let ts = startNs;
  let i = 0;
  for (;;) {
    const entries = [];
    let bytes = 0;
    for (let n = 0; n < BATCH_LINES; n++) {
      const line = lines[i++ % lines.length]!;
      entries.push({ ts: ts++, line });
      bytes += Buffer.byteLength(line);
    }
    const streams: TestStream[] = [{ labels: `{app="${app}"}`, entries }];
    yield { body: protoBody(streams), bytes };
  }
}

async function pushFor(url: string, tenant: string, lines: string[], bytesPerSec: number | null): Promise<Outcome> {
  const out: Outcome = {
    pushes: 0,
    accepted: 0,
    refused429: 0,
    otherFailures: [],
    acceptedLines: 0,
    acceptedBytes: 0,
    elapsedMs: 0,
  };
  const start = Date.now();
  const gen = batches(lines, 'load', BigInt(start) * 1_000_000n);
  let sent = 0;
  while (Date.now() - start < DURATION_MS) {
    const { body, bytes } = gen.next().value as { body: Buffer; bytes: number };
    if (bytesPerSec !== null) {
      // Pace: do not get ahead of the planned rate.
      const due = start + (sent / bytesPerSec) * 1000;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
    const res = await fetch(`${url}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', 'X-Scope-OrgID': tenant },
      body,
    });
    const text = await res.text();
    out.pushes++;
    sent += bytes;
    if (res.status === 204) {
      out.accepted++;
      out.acceptedLines += BATCH_LINES;
      out.acceptedBytes += bytes;
    } else if (res.status === 429) out.refused429++;
    else out.otherFailures.push(`${res.status} ${text}`);
  }
  out.elapsedMs = Date.now() - start;
  return out;
}

describe('four tenants under load, one over its limit', () => {
  let skald: SkaldProcess;
  let lines: string[];

  before(async () => {
    const dir = requireLoghub();
    lines = ['Apache_2k.log', 'HDFS_2k.log', 'OpenSSH_2k.log', 'Spark_2k.log'].flatMap((f) =>
      readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean),
    );
    const dataDir = await mkdtemp(join(tmpdir(), 'skald-load-'));
    const runtimeFile = join(dataDir, 'runtime.yaml');
    await writeFile(
      runtimeFile,
      `overrides:\n  ${NOISY}:\n    ingestion_rate_mb: ${NOISY_LIMIT_MB}\n    ingestion_burst_size_mb: ${NOISY_LIMIT_MB}\n`,
    );
    skald = await startSkald({
      dataDir,
      authEnabled: true,
      limits: {
        ingestion_rate_mb: QUIET_LIMIT_MB,
        ingestion_burst_size_mb: QUIET_LIMIT_MB,
        per_stream_rate_limit: '512MB',
        per_stream_rate_limit_burst: '1024MB',
      },
      extraConfig: `runtime_config:\n  file: ${runtimeFile}\n`,
    });
  });
  after(async () => {
    await skald.stop();
    await skald.cleanup();
  });

  it('refuses the noisy tenant and serves the others in full', async (t) => {
    let peakRss = 0;
    const sampler = setInterval(() => {
      void metricValue(skald.url, 'process_resident_memory_bytes').then((v) => {
        peakRss = Math.max(peakRss, v);
      });
    }, 250);
    const [noisy, ...quiet] = await Promise.all([
      pushFor(skald.url, NOISY, lines, null),
      ...QUIET.map((t) => pushFor(skald.url, t, lines, QUIET_RATE)),
    ]);
    clearInterval(sampler);

    for (const [i, q] of quiet.entries()) {
      const tenant = QUIET[i]!;
      assert.equal(q.refused429, 0, `${tenant} got 429s`);
      assert.deepEqual(q.otherFailures, [], `${tenant} failures`);
      // Full throughput: every push accepted, at (nearly) the rate the tenant pushed.
      const rate = q.acceptedBytes / (q.elapsedMs / 1000);
      t.diagnostic(`${tenant}: ${q.accepted}/${q.pushes} pushes accepted, ${(rate / MB).toFixed(2)} MB/s`);
      assert.ok(rate >= QUIET_RATE * 0.85, `${tenant} reached ${(rate / MB).toFixed(2)} MB/s`);
      const count = await get<{ data: { result: Array<{ value: [number, string] }> } }>(
        skald.url,
        '/loki/api/v1/query',
        { query: 'sum(count_over_time({app="load"}[1h]))' },
        tenant,
      );
      assert.equal(Number(count.json.data.result[0]?.value[1]), q.acceptedLines, `${tenant} stored lines`);
    }

    t.diagnostic(
      `${NOISY}: ${noisy.accepted}/${noisy.pushes} pushes accepted (${noisy.refused429} refused with 429); peak RSS ${(peakRss / MB).toFixed(0)} MB`,
    );
    assert.ok(noisy.refused429 > 0, 'the noisy tenant was refused');
    assert.deepEqual(noisy.otherFailures, []);
    // What got in is bounded by its rate over the run plus one burst.
    const allowed = NOISY_LIMIT_MB * MB * (noisy.elapsedMs / 1000 + 1);
    assert.ok(noisy.acceptedBytes <= allowed, `noisy got ${noisy.acceptedBytes} bytes in (allowed ${allowed})`);
    assert.ok(
      (await metricValue(skald.url, 'loki_discarded_samples_total', { tenant: NOISY, reason: 'rate_limited' })) >=
        noisy.refused429 * BATCH_LINES,
    );
    for (const t of QUIET)
      assert.equal(await metricValue(skald.url, 'loki_discarded_samples_total', { tenant: t }), 0, `${t} discarded`);

    assert.ok(peakRss > 0 && peakRss < MEMORY_BUDGET, `peak RSS ${(peakRss / MB).toFixed(0)} MB`);
  });
});
