// GET /loki/api/v1/patterns through a running server: lines pushed over HTTP
// are mined per stream and the selected streams' patterns come back in Loki's
// shape; with the pattern ingester off the endpoint answers 404 as Loki does.
// Lines from the loghub Apache sample (https://github.com/logpai/loghub).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requireLoghub } from '../src/testing/loghub.js';
import { get, pushProto } from './helpers/loki-client.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

interface PatternsAnswer {
  status: string;
  data: Array<{ pattern: string; level?: string; samples: [number, number][] }>;
}

describe('patterns endpoint', () => {
  let skald: SkaldProcess;
  const now = BigInt(Date.now()) * 1_000_000n;
  const range = { start: String(now - 3_600_000_000_000n), end: String(now + 60_000_000_000n) };

  before(async () => {
    skald = await startSkald({ authEnabled: true, extraConfig: 'pattern_ingester:\n  enabled: true\n' });
    const lines = readFileSync(join(requireLoghub(), 'Apache_2k.log'), 'utf8').split(/\r?\n/).filter(Boolean);
    // Spread over the last 30 minutes, oldest first.
    const entries = lines.map((line, i) => ({ ts: now - BigInt(lines.length - i) * 900_000_000n, line }));
    const r = await pushProto(skald.url, [{ labels: '{service_name="apache"}', entries }], 'web');
    assert.equal(r.status, 204, r.text);
    const other = await pushProto(
      skald.url,
      [{ labels: '{service_name="apache"}', entries: entries.slice(0, 100) }],
      'someone-else',
    );
    assert.equal(other.status, 204, other.text);
  });
  after(async () => {
    await skald.stop();
    await skald.cleanup();
  });

  it('returns the patterns of the selected streams with counts per step', async () => {
    const r = await get<PatternsAnswer>(
      skald.url,
      '/loki/api/v1/patterns',
      { query: '{service_name="apache"}', step: '60s', ...range },
      'web',
    );
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'success');
    const totals = new Map(r.json.data.map((p) => [p.pattern, p.samples.reduce((n, [, c]) => n + c, 0)]));
    assert.equal(
      totals.get('[Sun Dec 04 <_> 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties'),
      298,
    );
    assert.equal(totals.get('[Sun Dec 04 <_> 2005] [error] mod_jk child workerEnv in error state <_>'), 281);
    for (const p of r.json.data)
      for (const [ts] of p.samples) assert.equal(ts % 60, 0, 'samples sit on step boundaries');
  });

  it('keeps tenants apart and follows the selector', async () => {
    const none = await get<PatternsAnswer>(
      skald.url,
      '/loki/api/v1/patterns',
      { query: '{service_name="nginx"}', ...range },
      'web',
    );
    assert.deepEqual(none.json.data ?? [], []);
    const small = await get<PatternsAnswer>(
      skald.url,
      '/loki/api/v1/patterns',
      { query: '{service_name="apache"}', ...range },
      'someone-else',
    );
    const total = (small.json.data ?? []).reduce((n, p) => n + p.samples.reduce((m, [, c]) => m + c, 0), 0);
    assert.ok(total <= 100, `another tenant's lines leaked: ${total}`);
  });

  it('refuses a selector that does not parse', async () => {
    const r = await get(skald.url, '/loki/api/v1/patterns', { query: '{service_name=', ...range }, 'web');
    assert.equal(r.status, 400);
  });
});

describe('patterns endpoint with the pattern ingester off', () => {
  it('answers 404 with an empty body', async () => {
    const skald = await startSkald({});
    try {
      const r = await get(skald.url, '/loki/api/v1/patterns', { query: '{a="b"}' });
      assert.equal(r.status, 404);
      assert.equal(r.text, '');
    } finally {
      await skald.stop();
      await skald.cleanup();
    }
  });
});
