import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from '../client/backoff.js';
import type { EntrySink } from '../client/manager.js';
import { FlowControl } from '../flow-control.js';
import { LabelSet } from '../labels/label-set.js';
import { AgentMetrics } from '../metrics.js';
import { LogEntry } from '../pipeline/entry.js';
import { ReadlineLimiter } from './readline-limiter.js';
import { TokenBucket } from './token-bucket.js';

describe('token bucket', () => {
  it('starts full, refills at the rate and never banks more than the burst', () => {
    let now = 0;
    const b = new TokenBucket(10, 2, () => now);
    assert.equal(b.allow(), true);
    assert.equal(b.allow(), true);
    assert.equal(b.allow(), false);
    now += 100; // one token
    assert.equal(b.allow(), true);
    assert.equal(b.allow(), false);
    now += 10_000;
    assert.equal(b.allow(), true);
    assert.equal(b.allow(), true);
    assert.equal(b.allow(), false);
  });

  it('reserves tokens ahead and says how long to wait', () => {
    const now = 0;
    const b = new TokenBucket(10, 1, () => now);
    assert.equal(b.reserve(), 0);
    assert.equal(b.reserve(), 100);
    assert.equal(b.reserve(), 200);
  });
});

describe('backoff', () => {
  it("doubles a jittered range up to the maximum and stops after max_retries, as dskit's does", () => {
    const b = new Backoff({ minMs: 100, maxMs: 500, maxRetries: 4 }, () => 0.5);
    assert.deepEqual([b.nextDelay(), b.nextDelay(), b.nextDelay()], [150, 300, 450]);
    assert.equal(b.ongoing, true);
    assert.equal(b.nextDelay(), 500);
    assert.equal(b.ongoing, false);
  });

  it('retries forever with max_retries 0', () => {
    const b = new Backoff({ minMs: 1, maxMs: 2, maxRetries: 0 });
    for (let i = 0; i < 100; i++) b.nextDelay();
    assert.equal(b.ongoing, true);
  });
});

describe('readline rate limit', () => {
  function collector(): EntrySink & { lines: string[] } {
    const lines: string[] = [];
    return {
      lines,
      copiesLines: true,
      handle: (e) => lines.push(e.lineText),
      stop: async () => {},
    };
  }
  const entry = (line: string) => LogEntry.fromText(LabelSet.EMPTY, { sec: 0, nanos: 0 }, line);

  it('drops lines over the limit and counts them', async () => {
    const sink = collector();
    const metrics = new AgentMetrics();
    const limiter = new ReadlineLimiter(1, 2, true, sink, metrics, new FlowControl(1 << 20));
    for (const l of ['a', 'b', 'c']) limiter.handle(entry(l));
    assert.deepEqual(sink.lines, ['a', 'b']);
    assert.match(await metrics.render(), /logentry_dropped_lines_total\{reason="global_rate_limiter_drop"\} 1/);
  });

  it('delays lines over the limit when not dropping, and delivers them on stop', async () => {
    const sink = collector();
    const limiter = new ReadlineLimiter(1, 1, false, sink, new AgentMetrics(), new FlowControl(1 << 20));
    for (const l of ['a', 'b', 'c']) limiter.handle(entry(l));
    assert.deepEqual(sink.lines, ['a']);
    await limiter.stop(100);
    assert.deepEqual(sink.lines, ['a', 'b', 'c']);
  });
});
