import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_JSON_MESSAGE_FIELDS, DEFAULT_PATTERN_DETECTOR_CONFIG } from './config.js';
import { PatternStream } from './pattern-stream.js';

const T0 = 1_700_000_000;

function stream(): PatternStream {
  return new PatternStream(
    '{app="a"}',
    [{ name: 'app', value: 'a' }],
    'unknown',
    DEFAULT_PATTERN_DETECTOR_CONFIG,
    DEFAULT_JSON_MESSAGE_FIELDS,
    () => 0,
  );
}

describe('pattern stream', () => {
  it('creates a Drain for a level on its first line only', () => {
    const s = stream();
    assert.equal(s.drain('info'), undefined);
    s.push(T0, 0, 'first line of info', 'info');
    s.push(T0, 1, 'second line of info', 'info');
    assert.notEqual(s.drain('info'), undefined);
    assert.equal(s.drain('error'), undefined);
  });

  it('compares timestamps to the nanosecond', () => {
    const s = stream();
    s.push(T0, 500, 'one two three four', 'info');
    s.push(T0, 499, 'one two three five', 'info');
    assert.equal(s.drain('info')!.clusters()[0]!.samples.total(), 1);
    s.push(T0, 500, 'one two three six', 'info');
    assert.equal(s.drain('info')!.clusters()[0]!.samples.total(), 2);
  });

  it('emits samples per level and says when pruning left it empty', () => {
    const s = stream();
    s.push(T0, 0, 'disk check passed ok', 'info');
    s.push(T0 + 1, 0, 'disk check failed now', 'error');
    const seen: string[] = [];
    s.emitSamples(0, (T0 + 10) * 1000, 10_000, (pattern, level, ts, n) => seen.push(`${level} ${pattern} ${ts} ${n}`));
    assert.deepEqual(seen.sort(), [
      `error disk check failed now ${T0 * 1000} 1`,
      `info disk check passed ok ${T0 * 1000} 1`,
    ]);
    assert.equal(s.prune((T0 + 60) * 1000), false);
    assert.equal(s.clusterCount(), 2);
    assert.equal(s.prune((T0 + 4 * 3600) * 1000), true);
    assert.equal(s.clusterCount(), 0);
  });
});
