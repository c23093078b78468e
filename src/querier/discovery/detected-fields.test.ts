import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DetectedFieldsRequest, detectFields, detectFieldValues } from './detected-fields.js';
import { parseLogQuery } from './requests.js';
import { TEST_TENANT, type TestStream, testSources } from './test-sources.js';

const SEC = 1_000_000_000n;
const BASE = 1_700_000_000n * SEC;

const streams: TestStream[] = [
  {
    labels: { app: 'api', level: 'x' },
    entries: Array.from({ length: 20 }, (_, i) => ({
      ts: BASE + BigInt(i) * SEC,
      line: JSON.stringify({ level: i < 10 ? 'info' : 'warn', status: [200, 404, 500][i % 3], req: { ms: i + 0.5 } }),
      metadata: { trace_id: `trace-${i % 4}` },
    })),
  },
  {
    labels: { app: 'worker' },
    entries: Array.from({ length: 20 }, (_, i) => ({
      ts: BASE + BigInt(i) * SEC + 1n,
      line: `queue=q${i % 2} took=${i + 1}ms size=${i + 1}.5KB`,
    })),
  },
];

function request(query: string, lineLimit = 100, limit = 1000): DetectedFieldsRequest {
  return {
    tenant: TEST_TENANT,
    selector: parseLogQuery(query),
    startNs: BASE,
    endNs: BASE + 60n * SEC,
    lineLimit,
    limit,
  };
}

describe('detecting fields of a query', () => {
  it('finds metadata, JSON and logfmt fields with types, cardinalities, parsers and paths', async () => {
    const sources = await testSources({ memory: streams.slice(0, 1), stored: streams.slice(1) });
    const fields = Object.fromEntries((await detectFields(sources, request('{app=~".+"}'))).map((f) => [f.label, f]));
    assert.deepEqual(Object.keys(fields).sort(), [
      'level_extracted',
      'queue',
      'req_ms',
      'size',
      'status',
      'took',
      'trace_id',
    ]);
    assert.deepEqual(fields.trace_id, { label: 'trace_id', type: 'string', cardinality: 4, parsers: null });
    assert.deepEqual(fields.status, {
      label: 'status',
      type: 'int',
      cardinality: 3,
      parsers: ['json'],
      jsonPath: ['status'],
    });
    assert.deepEqual(fields.level_extracted!.jsonPath, ['level']);
    assert.deepEqual(fields.req_ms!.jsonPath, ['req', 'ms']);
    assert.equal(fields.req_ms!.type, 'float');
    assert.deepEqual(fields.took, { label: 'took', type: 'duration', cardinality: 20, parsers: ['logfmt'] });
    assert.equal(fields.size!.type, 'bytes');
  });

  it('reads only the newest line_limit lines', async () => {
    const sources = await testSources({ memory: streams });
    const fields = await detectFields(sources, request('{app="api"}', 5));
    const level = fields.find((f) => f.label === 'level_extracted')!;
    assert.equal(level.cardinality, 1);
    assert.equal(fields.find((f) => f.label === 'trace_id')!.cardinality, 4);
  });

  it('honours the query pipeline and the field limit', async () => {
    const sources = await testSources({ memory: streams });
    const fields = await detectFields(sources, request('{app="worker"} |= "queue=q1"', 100, 2));
    assert.deepEqual(
      fields.map((f) => [f.label, f.cardinality]),
      [
        ['queue', 1],
        ['size', 10],
      ],
    );
  });

  it('lists the values of one field', async () => {
    const sources = await testSources({ memory: streams });
    assert.deepEqual(await detectFieldValues(sources, request('{app="api"}'), 'status'), ['200', '404', '500']);
    // 19.5KB and 20.5KB both print as 20kB once rewritten (round half to even).
    assert.deepEqual(await detectFieldValues(sources, request('{app="worker"}', 2), 'size'), ['20kB']);
    assert.deepEqual(await detectFieldValues(sources, request('{app="worker"}', 2), 'took'), ['19ms', '20ms']);
    assert.deepEqual(await detectFieldValues(sources, request('{app="api"}'), 'missing'), []);
  });
});
