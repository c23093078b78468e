import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { responseJSON } from '../logql/engine/engine.js';
import { QueryStats } from '../logql/engine/stats.js';
import { HttpError } from '../server/http-error.js';
import { durationParam, parseAnswer } from './http-querier.js';

describe('HTTP querier answers', () => {
  it('keep the result text exactly as the querier wrote it', () => {
    const result = '[{"metric":{"stats":"x"},"values":[[1,"1"]]}]';
    const stats = new QueryStats();
    stats.decompressedLines = 42;
    const body = responseJSON({ resultType: 'matrix', result, stats, warnings: ['w'] });
    const r = parseAnswer(body);
    assert.equal(r.resultType, 'matrix');
    assert.equal(r.result, result);
    assert.deepEqual(r.warnings, ['w']);
    assert.equal(r.stats.decompressedLines, 42);
  });

  it('refuse a body that is not a query answer', () => {
    assert.throws(
      () => parseAnswer('{"status":"error"}'),
      (err) => err instanceof HttpError && err.status === 502,
    );
  });
});

describe('HTTP querier parameters', () => {
  it('write whole milliseconds as a duration and anything finer as seconds', () => {
    assert.equal(durationParam(60_000_000_000n), '60000ms');
    assert.equal(durationParam(2_000_000n), '2ms');
    assert.equal(durationParam(1_500_001n), '0.001500001');
  });
});
