import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexStats } from './index-stats.js';
import { selectorMatchers, TEST_TENANT, type TestStream, testSources } from './test-sources.js';

const SEC = 1_000_000_000n;
const BASE_SEC = 1_700_000_000;
const BASE = BigInt(BASE_SEC) * SEC;
const ms = (sec: number) => (BASE_SEC + sec) * 1000;

function stream(labels: Record<string, string>, seconds: number, from = 0): TestStream {
  return {
    labels,
    entries: Array.from({ length: seconds }, (_, i) => ({
      ts: BASE + BigInt(from + i) * SEC,
      line: `${labels.app} ${String(i).padStart(4, '0')}`,
    })),
  };
}

describe('index stats', () => {
  const data = {
    memory: [stream({ app: 'api', pod: 'a' }, 100), stream({ app: 'web', pod: 'b' }, 50)],
    stored: [stream({ app: 'api', pod: 'c' }, 100, 1000)],
  };

  it('sums streams, chunks, entries and line bytes over ingester memory and the store', async () => {
    const sources = await testSources(data);
    const stats = await indexStats(sources, {
      tenant: TEST_TENANT,
      matchers: selectorMatchers('{app="api"}'),
      fromMs: ms(0),
      throughMs: ms(2000),
    });
    assert.deepEqual(stats, { streams: 2, chunks: 2, entries: 200, bytes: 200 * 8 });
  });

  it('leaves out streams without entries in the range', async () => {
    const sources = await testSources(data);
    const stats = await indexStats(sources, {
      tenant: TEST_TENANT,
      matchers: selectorMatchers('{app=~".+"}'),
      fromMs: ms(1000),
      throughMs: ms(2000),
    });
    assert.deepEqual(stats, { streams: 1, chunks: 1, entries: 100, bytes: 800 });
  });

  it('answers zeros when nothing matches', async () => {
    const sources = await testSources(data);
    const stats = await indexStats(sources, {
      tenant: TEST_TENANT,
      matchers: selectorMatchers('{app="none"}'),
      fromMs: ms(0),
      throughMs: ms(2000),
    });
    assert.deepEqual(stats, { streams: 0, chunks: 0, entries: 0, bytes: 0 });
  });
});
