import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { partFileName } from './log-query.js';
import { type ParallelSpec, parallelJobRanges } from './parallel.js';

const H = 3_600_000_000_000n;
const M = 60_000_000_000n;
const T0 = 1705276800000000000n; // 2024-01-15T00:00:00Z

function spec(forward: boolean, startNs: bigint, endNs: bigint, parallelDurationNs: bigint): ParallelSpec {
  return {
    query: '{a="b"}',
    startNs,
    endNs,
    limit: 0,
    batchSize: 1000,
    stepNs: 0n,
    intervalNs: 0n,
    partPathPrefix: '',
    overwriteCompleted: false,
    showLabelsKey: [],
    ignoreLabelsKey: [],
    quiet: true,
    fixedLabelsLen: 0,
    forward,
    includeCommonLabels: false,
    parallelDurationNs,
    parallelMaxWorkers: 2,
    mergeParts: false,
    keepParts: false,
  };
}

describe('parallel jobs', () => {
  it('cut the range into jobs, newest first when scanning backward', () => {
    assert.deepEqual(parallelJobRanges(spec(false, T0, T0 + H, 15n * M)), [
      { startNs: T0 + 45n * M, endNs: T0 + H },
      { startNs: T0 + 30n * M, endNs: T0 + 45n * M },
      { startNs: T0 + 15n * M, endNs: T0 + 30n * M },
      { startNs: T0, endNs: T0 + 15n * M },
    ]);
  });

  it('run oldest first when scanning forward, the last job cut short', () => {
    assert.deepEqual(parallelJobRanges(spec(true, T0, T0 + 50n * M, 20n * M)), [
      { startNs: T0, endNs: T0 + 20n * M },
      { startNs: T0 + 20n * M, endNs: T0 + 40n * M },
      { startNs: T0 + 40n * M, endNs: T0 + 50n * M },
    ]);
    assert.deepEqual(parallelJobRanges(spec(false, T0, T0 + 50n * M, 20n * M)).at(-1), {
      startNs: T0,
      endNs: T0 + 10n * M,
    });
  });

  it('name part files by their UTC range', () => {
    assert.equal(partFileName('/tmp/q', T0, T0 + 15n * M), '/tmp/q_20240115T000000_20240115T001500.part');
  });
});
