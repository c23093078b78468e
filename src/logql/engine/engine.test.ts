import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { limitParallelism } from './engine.js';
import type { QueryExecutor } from './shards.js';

const pool = (size: number): QueryExecutor => ({ size, run: async <T>(task: unknown) => task as T });

describe('max_query_parallelism', () => {
  it('leaves the pool alone when the limit is above it or unset', () => {
    const p = pool(3);
    assert.equal(limitParallelism(p, 0), p);
    assert.equal(limitParallelism(p, 4), p);
    assert.equal(limitParallelism(p, 1024), p);
  });

  it('counts this thread as one of the allowed threads', () => {
    assert.equal(limitParallelism(pool(3), 2)?.size, 1);
    assert.equal(limitParallelism(pool(3), 1)?.size, 0);
  });

  it('still runs tasks through the pool when capped', async () => {
    assert.equal(await limitParallelism(pool(3), 2)?.run<string>('task'), 'task');
  });

  it('has nothing to cap without a pool', () => {
    assert.equal(limitParallelism(undefined, 2), undefined);
  });
});
