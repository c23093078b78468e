import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelsFromRecord, labelsToString } from '../util/labels.js';
import { PatternDetector } from './pattern-detector.js';
import {
  MAX_PATTERNS,
  mergePatternResponses,
  type PatternSeries,
  queryPatterns,
  queryRangeMs,
  queryStepMs,
} from './query.js';

const SEC = 1_000_000_000n;
const BASE = 1_700_000_000n * SEC; // a multiple of 10s

function push(detector: PatternDetector, stream: Record<string, string>, tsNs: bigint, line: string, level?: string) {
  const labels = labelsFromRecord(stream);
  detector.observe('tenant', labelsToString(labels), labels, tsNs, line, level);
}

/** `count` lines of a template, one per second from `startNs`. */
function pushMany(
  detector: PatternDetector,
  stream: Record<string, string>,
  startNs: bigint,
  count: number,
  line: (i: number) => string,
  level?: string,
): void {
  for (let i = 0; i < count; i++) push(detector, stream, startNs + BigInt(i) * SEC, line(i), level);
}

function all(detector: PatternDetector, stepNs = 10n * SEC): PatternSeries[] {
  return detector.query('tenant', () => true, BASE, BASE + 3600n * SEC, stepNs);
}

const total = (s: PatternSeries) => s.samples.reduce((sum, [, n]) => sum + n, 0);

describe('pattern queries', () => {
  it('counts a pattern per step with timestamps in seconds', () => {
    const detector = new PatternDetector();
    pushMany(detector, { app: 'api' }, BASE, 40, (i) => `GET /users/${i} took ${i}ms`);
    const [series, ...rest] = all(detector);
    assert.equal(rest.length, 0);
    assert.equal(series!.pattern, 'GET <_> took <_>');
    assert.equal(series!.level, 'unknown');
    const t0 = Number(BASE / SEC);
    assert.deepEqual(series!.samples, [
      [t0, 10],
      [t0 + 10, 10],
      [t0 + 20, 10],
      [t0 + 30, 10],
    ]);
  });

  it('sums the same pattern over streams and keeps levels apart', () => {
    const detector = new PatternDetector();
    const line = (i: number) => `worker ${i} finished job ok`;
    pushMany(detector, { app: 'a' }, BASE, 30, line, 'info');
    pushMany(detector, { app: 'b' }, BASE, 30, line, 'INFO');
    pushMany(detector, { app: 'c' }, BASE, 30, line, 'error');
    const series = all(detector, 60n * SEC);
    assert.deepEqual(
      series.map((s) => [s.pattern, s.level, total(s)]),
      [
        ['worker <_> finished job ok', 'info', 60],
        ['worker <_> finished job ok', 'error', 30],
      ],
    );
    const t0 = Number(BASE / SEC);
    assert.deepEqual(series[0]!.samples, [[t0 - (t0 % 60), 60]], 'steps are aligned to the epoch');
  });

  it('drops patterns with fewer than 30 lines in the range and orders the rest by lines', () => {
    const detector = new PatternDetector();
    pushMany(detector, { app: 'a' }, BASE, 29, (i) => `rare event number ${i} seen`);
    pushMany(detector, { app: 'b' }, BASE, 31, (i) => `common event number ${i} seen`);
    pushMany(detector, { app: 'c' }, BASE, 45, (i) => `frequent event number ${i} seen`);
    assert.deepEqual(
      all(detector).map((s) => [s.pattern, total(s)]),
      [
        ['frequent event number <_> seen', 45],
        ['common event number <_> seen', 31],
      ],
    );
  });

  it('returns at most 300 patterns, the most frequent', () => {
    const detector = new PatternDetector();
    for (let p = 0; p < MAX_PATTERNS + 5; p++) {
      pushMany(detector, { app: `s${p}` }, BASE, 30 + (p % 7), (i) => `service s${p} handled request ${i}`);
    }
    const series = all(detector, 3600n * SEC);
    assert.equal(series.length, MAX_PATTERNS);
    assert.ok(series.every((s, i) => i === 0 || total(series[i - 1]!) >= total(s)));
    assert.equal(total(series.at(-1)!), 30);
  });

  it('raises steps below 10s to 10s and sums samples into larger steps', () => {
    const detector = new PatternDetector();
    pushMany(detector, { app: 'a' }, BASE, 40, (i) => `tick ${i} of the clock`);
    const t0 = Number(BASE / SEC);
    assert.deepEqual(all(detector, SEC)[0]!.samples.slice(0, 2), [
      [t0, 10],
      [t0 + 10, 10],
    ]);
    assert.deepEqual(all(detector, 20n * SEC)[0]!.samples, [
      [t0, 20],
      [t0 + 20, 20],
    ]);
  });

  it('reads only the queried range', () => {
    const detector = new PatternDetector();
    pushMany(detector, { app: 'a' }, BASE, 120, (i) => `heartbeat ${i} from node`);
    const [series] = detector.query('tenant', () => true, BASE + 30n * SEC, BASE + 90n * SEC - 1n, 10n * SEC);
    const t0 = Number(BASE / SEC);
    assert.deepEqual(series!.samples[0], [t0 + 30, 10]);
    assert.deepEqual(series!.samples.at(-1), [t0 + 80, 10]);
    assert.equal(total(series!), 60);
  });

  it('rounds the range outwards to milliseconds and truncates the step to milliseconds', () => {
    assert.deepEqual(queryRangeMs(1_500_000n, 2_000_001n), { fromMs: 1, throughMs: 3 });
    assert.deepEqual(queryRangeMs(1_999_999n, 3_000_000n), { fromMs: 1, throughMs: 3 });
    assert.equal(queryStepMs(60_000_999_999n), 60_000);
    assert.equal(queryStepMs(0n), 10_000);
  });

  it('leaves out clusters whose pattern cannot be printed', () => {
    const detector = new PatternDetector();
    // The first line makes this a logfmt stream; a key of only DEL cannot be printed in logfmt.
    pushMany(detector, { app: 'a' }, BASE, 40, (i) => `k=${i} a=b`);
    pushMany(detector, { app: 'a' }, BASE + 40n * SEC, 40, (i) => `\x7f=${i} a=b`);
    assert.equal(detector.stream('tenant', '{app="a"}')!.drain('unknown')!.clusters().length, 2);
    assert.deepEqual(
      all(detector).map((s) => s.pattern),
      ['k=<_> a=b'],
    );
  });

  it('answers from the streams given', () => {
    const detector = new PatternDetector();
    pushMany(detector, { app: 'a' }, BASE, 40, (i) => `alpha event ${i} done`);
    pushMany(detector, { app: 'b' }, BASE, 40, (i) => `bravo event ${i} done`);
    const only = [detector.stream('tenant', labelsToString(labelsFromRecord({ app: 'b' })))!];
    assert.deepEqual(
      queryPatterns(only, BASE, BASE + 3600n * SEC, 10n * SEC).map((s) => s.pattern),
      ['bravo event <_> done'],
    );
  });
});

describe('merging pattern responses', () => {
  it('joins series of the same pattern and orders their samples by time', () => {
    const merged = mergePatternResponses([
      [{ pattern: 'p <_>', level: 'info', samples: [[20, 2]] }],
      [
        { pattern: 'p <_>', level: 'error', samples: [[10, 1]] },
        { pattern: 'q', level: 'warn', samples: [[30, 3]] },
      ],
    ]);
    assert.deepEqual(merged, [
      {
        pattern: 'p <_>',
        level: 'info',
        samples: [
          [10, 1],
          [20, 2],
        ],
      },
      { pattern: 'q', level: 'warn', samples: [[30, 3]] },
    ]);
    assert.deepEqual(mergePatternResponses([]), []);
  });
});
