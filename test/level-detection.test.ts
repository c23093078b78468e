// Level detection through a running server, with Loki 3's default
// (discover_log_levels on): JSON, logfmt, plain and OTLP lines pushed over
// HTTP come back with a `detected_level` folded into their stream labels, as
// Loki 3 answers without the categorize-labels encoding; metric queries can
// group by it; the pattern endpoint reports patterns per level; and with
// discover_log_levels off nothing is added.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get, linesOf, pushProto, queryRange, type TestStream } from './helpers/loki-client.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

const NOW = BigInt(Date.now()) * 1_000_000n;
const RANGE = { start: String(NOW - 3_600_000_000_000n), end: String(NOW + 60_000_000_000n) };

/** Lines and the level Loki 3 detects for each. */
const CASES: Record<string, Array<[string, string]>> = {
  json: [
    ['{"level":"info","msg":"user logged in"}', 'info'],
    ['{"msg":"disk almost full","severity":"WARNING"}', 'warn'],
    ['{"ctx":{"lvl":"ERR"},"msg":"query failed"}', 'error'],
    ['{"msg":"no level field, but an error word"}', 'error'],
  ],
  logfmt: [
    ['ts=2024-01-01T00:00:00Z level=debug msg="cache miss"', 'debug'],
    ['ts=2024-01-01T00:00:00Z msg="error in message" level=Warn', 'warn'],
    ['ts=2024-01-01T00:00:00Z LEVEL=inf msg=started', 'info'],
    ['ts=2024-01-01T00:00:00Z level=notice msg=started', 'unknown'],
  ],
  plain: [
    ['2024-01-01 10:00:00,000 ERROR com.example.Db - connection failed', 'error'],
    ['[Mon Jan 01 10:00:00 2024] [warn] certificate does not match', 'warn'],
    ['Jan  1 10:00:00 host sshd[42]: accepted password for root', 'unknown'],
    ['2024-01-01T10:00:00Z info request served, errors=0', 'info'],
  ],
};

function streamsOf(): TestStream[] {
  return Object.entries(CASES).map(([app, lines]) => ({
    labels: `{app="${app}"}`,
    entries: lines.map(([line], i) => ({ ts: NOW - BigInt(lines.length - i) * 1_000_000_000n, line })),
  }));
}

interface VectorResult {
  data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

describe('level detection end to end', () => {
  let skald: SkaldProcess;

  before(async () => {
    // On explicitly: the test helpers' base configuration turns it off (see baseConfig).
    skald = await startSkald({
      limits: { discover_log_levels: true },
      extraConfig: 'pattern_ingester:\n  enabled: true\n',
    });
    const r = await pushProto(skald.url, streamsOf());
    assert.equal(r.status, 204, r.text);
  });
  after(async () => {
    await skald.stop();
    await skald.cleanup();
  });

  for (const [app, lines] of Object.entries(CASES)) {
    it(`returns ${app} lines with their detected_level among the stream labels`, async () => {
      const r = await queryRange(skald.url, { query: `{app="${app}"}`, direction: 'forward', ...RANGE });
      assert.equal(r.status, 200, r.text);
      const got = linesOf(r.json)
        .sort((a, b) => (BigInt(a.ts) < BigInt(b.ts) ? -1 : 1))
        .map((l) => [l.line, l.labels.detected_level]);
      assert.deepEqual(got, lines);
      for (const s of r.json.data.result) assert.deepEqual(Object.keys(s.stream).sort(), ['app', 'detected_level']);
    });
  }

  it('filters on detected_level like any structured metadata', async () => {
    const r = await queryRange(skald.url, { query: '{app=~".+"} | detected_level="error"', ...RANGE });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      linesOf(r.json)
        .map((l) => l.line)
        .sort(),
      Object.values(CASES)
        .flat()
        .filter(([, level]) => level === 'error')
        .map(([line]) => line)
        .sort(),
    );
  });

  it('counts lines by detected_level', async () => {
    const r = await get<VectorResult>(skald.url, '/loki/api/v1/query', {
      query: 'sum by (detected_level) (count_over_time({app=~".+"}[1h]))',
      time: String(NOW + 1_000_000_000n),
    });
    assert.equal(r.status, 200, r.text);
    const got = Object.fromEntries(r.json.data.result.map((s) => [s.metric.detected_level, Number(s.value[1])]));
    const want: Record<string, number> = {};
    for (const [, level] of Object.values(CASES).flat()) want[level] = (want[level] ?? 0) + 1;
    assert.deepEqual(got, want);
  });

  it('keeps a detected_level the client sent, normalised', async () => {
    const r = await pushProto(skald.url, [
      {
        labels: '{app="sent"}',
        entries: [{ ts: NOW, line: 'an error word that does not decide', metadata: { detected_level: 'WARNING' } }],
      },
    ]);
    assert.equal(r.status, 204, r.text);
    const q = await queryRange(skald.url, { query: '{app="sent"}', ...RANGE });
    assert.deepEqual(
      linesOf(q.json).map((l) => l.labels),
      [{ app: 'sent', detected_level: 'warn' }],
    );
  });

  it('takes the level of an OTLP record from its severity number', async () => {
    const records = [
      { severityNumber: 17, line: 'payment failed' },
      { severityNumber: 6, line: 'retrying' },
      { severityNumber: 0, line: 'an error word but no severity' },
    ];
    const body = JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'otel-levels' } }] },
          scopeLogs: [
            {
              logRecords: records.map((rec, i) => ({
                timeUnixNano: String(NOW + BigInt(i)),
                severityNumber: rec.severityNumber,
                body: { stringValue: rec.line },
              })),
            },
          ],
        },
      ],
    });
    const res = await fetch(`${skald.url}/otlp/v1/logs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    assert.equal(res.status, 204, await res.text());
    const q = await queryRange(skald.url, { query: '{service_name="otel-levels"}', direction: 'forward', ...RANGE });
    assert.deepEqual(
      linesOf(q.json)
        .sort((a, b) => (BigInt(a.ts) < BigInt(b.ts) ? -1 : 1))
        .map((l) => [l.line, l.labels.detected_level]),
      [
        ['payment failed', 'error'],
        ['retrying', 'debug'],
        // Severity 0 is not stored, so the line decides.
        ['an error word but no severity', 'error'],
      ],
    );
  });

  it('reports the level of patterns', async () => {
    // 40 lines a pattern: the endpoint leaves out patterns of fewer than 30 lines, as Loki.
    const lines = Array.from({ length: 80 }, (_, i) =>
      i % 2 === 0 ? `ERROR request ${i} failed after ${i * 3} ms` : `INFO request ${i} served in ${i * 3} ms`,
    );
    const r = await pushProto(skald.url, [
      {
        labels: '{app="patterned"}',
        entries: lines.map((line, i) => ({ ts: NOW - BigInt(lines.length - i) * 1_000_000_000n, line })),
      },
    ]);
    assert.equal(r.status, 204, r.text);
    const p = await get<{ data: Array<{ pattern: string; level?: string }> }>(skald.url, '/loki/api/v1/patterns', {
      query: '{app="patterned"}',
      step: '60s',
      ...RANGE,
    });
    assert.equal(p.status, 200, p.text);
    const levels = new Set(p.json.data.map((d) => d.level));
    assert.deepEqual([...levels].sort(), ['error', 'info'], p.text);
  });

  it('keeps detected_level in the store, after a flush and a restart', async () => {
    assert.equal((await fetch(`${skald.url}/flush`, { method: 'POST' })).status, 204);
    assert.equal(await skald.stop(), 0);
    skald = await startSkald({ dataDir: skald.dataDir, port: skald.port, limits: { discover_log_levels: true } });
    const r = await queryRange(skald.url, { query: '{app="logfmt"}', direction: 'forward', ...RANGE });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      linesOf(r.json)
        .sort((a, b) => (BigInt(a.ts) < BigInt(b.ts) ? -1 : 1))
        .map((l) => [l.line, l.labels.detected_level]),
      CASES.logfmt,
    );
  });
});

describe('level detection turned off', () => {
  let skald: SkaldProcess;

  before(async () => {
    skald = await startSkald({ limits: { discover_log_levels: false } });
    const r = await pushProto(skald.url, streamsOf());
    assert.equal(r.status, 204, r.text);
  });
  after(async () => {
    await skald.stop();
    await skald.cleanup();
  });

  it('adds no detected_level', async () => {
    const r = await queryRange(skald.url, { query: '{app=~".+"}', ...RANGE });
    assert.equal(r.status, 200, r.text);
    const lines = linesOf(r.json);
    assert.equal(lines.length, Object.values(CASES).flat().length);
    for (const l of lines) assert.deepEqual(Object.keys(l.labels), ['app']);
  });
});
