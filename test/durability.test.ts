// Crash safety: under sustained pushes the process is killed with SIGKILL at
// a random moment; after a restart every acknowledged entry is returned, and
// returned once. Checkpoints and flushes run during the pushes so that replay
// meets all of them.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { pushProto, queryRange, type TestStream } from './helpers/loki-client.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

const BASE_NS = 1_700_000_000_000_000_000n;
const STREAMS = 4;

describe('crash safety', () => {
  let first: SkaldProcess | undefined;
  let second: SkaldProcess | undefined;
  after(async () => {
    await first?.kill();
    await second?.stop();
    await (second ?? first)?.cleanup();
  });

  it('returns every acknowledged entry exactly once after kill -9 and restart', async () => {
    const opts = {
      limits: { max_entries_limit_per_query: 1_000_000 },
      // Checkpoint and flush constantly, so the kill lands among all of them.
      extraConfig: `ingester:
  flush_check_period: 200ms
  chunk_idle_period: 500ms
  max_chunk_age: 1h
  chunk_target_size: 8192
  chunk_block_size: 2048
  wal:
    checkpoint_duration: 300ms
`,
    };
    first = await startSkald(opts);
    const acked = new Set<string>();
    let seq = 0;
    let stop = false;
    const pusher = async (worker: number) => {
      while (!stop) {
        const streams: TestStream[] = [];
        for (let s = 0; s < STREAMS; s++) {
          const entries = [];
          for (let k = 0; k < 20; k++) {
            const n = seq++;
            entries.push({ ts: BASE_NS + BigInt(n) * 1_000_000n, line: `w${worker} entry ${n} ${'x'.repeat(n % 37)}` });
          }
          streams.push({ labels: `{test="crash", stream="s${s}"}`, entries });
        }
        try {
          const r = await pushProto(first!.url, streams);
          if (r.status === 204)
            for (const st of streams) for (const e of st.entries) acked.add(`${st.labels}|${e.ts}|${e.line}`);
        } catch {
          return; // the server died mid-request: not acknowledged
        }
      }
    };
    const workers = [0, 1, 2, 3].map(pusher);
    await new Promise((r) => setTimeout(r, 1500 + Math.random() * 1500));
    await first.kill();
    stop = true;
    await Promise.all(workers);
    assert.ok(acked.size > 1000, `enough entries were acknowledged (${acked.size})`);

    second = await startSkald({ ...opts, dataDir: first.dataDir, port: first.port });
    const seen = new Map<string, number>();
    for (let s = 0; s < STREAMS; s++) {
      const r = await queryRange(second.url, {
        query: `{test="crash", stream="s${s}"}`,
        start: String(BASE_NS - 1n),
        end: String(BASE_NS + BigInt(seq + 1) * 1_000_000n),
        limit: '1000000',
        direction: 'forward',
      });
      assert.equal(r.status, 200, r.text);
      for (const st of r.json.data.result) {
        const labels = `{test="crash", stream="${st.stream.stream}"}`;
        for (const [ts, line] of st.values) {
          const k = `${labels}|${ts}|${line}`;
          seen.set(k, (seen.get(k) ?? 0) + 1);
        }
      }
    }
    const missing = [...acked].filter((k) => !seen.has(k));
    const duplicated = [...seen].filter(([, n]) => n > 1);
    assert.deepEqual(missing.slice(0, 5), [], `${missing.length} acknowledged entries lost`);
    assert.deepEqual(duplicated.slice(0, 5), [], `${duplicated.length} entries returned more than once`);
  });
});
