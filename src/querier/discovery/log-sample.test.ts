import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '../../server/http-error.js';
import { labelsToRecord } from '../../util/labels.js';
import { sampleNewestEntries } from './log-sample.js';
import { parseLogQuery } from './requests.js';
import { TEST_TENANT, type TestStream, testSources } from './test-sources.js';

const SEC = 1_000_000_000n;
const BASE = 1_700_000_000n * SEC;

const streams: TestStream[] = [
  {
    labels: { app: 'api' },
    entries: Array.from({ length: 10 }, (_, i) => ({
      ts: BASE + BigInt(i) * SEC,
      line: `level=${i % 2 ? 'info' : 'error'} n=${i}`,
      metadata: { trace_id: `t${i}` },
    })),
  },
  {
    labels: { app: 'web' },
    entries: Array.from({ length: 10 }, (_, i) => ({ ts: BASE + BigInt(i) * SEC + 1n, line: `web line ${i}` })),
  },
];

async function sample(query: string, limit = 100) {
  const groups = await sampleNewestEntries(
    { tenant: TEST_TENANT, selector: parseLogQuery(query), startNs: BASE, endNs: BASE + 100n * SEC, limit },
    await testSources({ memory: streams }),
  );
  return groups.flat();
}

describe('sampling the newest lines of a query', () => {
  it('keeps stream labels and structured metadata apart without any pipeline stage', async () => {
    const entries = await sample('{app="api"}');
    assert.equal(entries.length, 10);
    const first = entries[0]!;
    assert.deepEqual(labelsToRecord(first.stream), { app: 'api' });
    assert.equal(first.structuredMetadata.length, 1);
    assert.equal(first.structuredMetadata[0]!.name, 'trace_id');
    assert.deepEqual(first.parsed, []);
  });

  it('reports the labels the query parsed separately', async () => {
    const entries = await sample('{app="api"} | logfmt | level="error"');
    assert.equal(entries.length, 5);
    for (const e of entries) {
      assert.deepEqual(labelsToRecord(e.stream), { app: 'api' });
      assert.equal(labelsToRecord(e.parsed).level, 'error');
    }
  });

  it('applies line filters and takes only the newest `limit` lines', async () => {
    const entries = await sample('{app=~"api|web"} |= "line"', 3);
    assert.deepEqual(
      entries.map((e) => e.line),
      ['web line 9', 'web line 8', 'web line 7'],
    );
  });

  it('gives the line as the pipeline leaves it', async () => {
    const entries = await sample('{app="web"} | line_format "{{.app}}!"', 1);
    assert.equal(entries[0]!.line, 'web!');
  });

  it('answers an invalid stage with 400', async () => {
    await assert.rejects(
      sample('{app="api"} |~ "("'),
      (err: unknown) => err instanceof HttpError && err.status === 400,
    );
  });
});
