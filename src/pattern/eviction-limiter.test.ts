import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EvictionLimiter } from './eviction-limiter.js';

describe('eviction limiter', () => {
  it('allows lines until evictions exceed the ratio of lines trained, then pauses for ten minutes', () => {
    let now = 1_000_000;
    const clock = () => now;
    const limiter = new EvictionLimiter(0.5);
    assert.equal(limiter.allow(clock), true);
    assert.equal(limiter.allow(clock), true);
    limiter.recordEviction();
    assert.equal(limiter.allow(clock), true, '1 eviction for 2 lines is not above one half');
    limiter.recordEviction();
    limiter.recordEviction();
    assert.equal(limiter.allow(clock), false, '3 evictions for 3 lines');
    assert.equal(limiter.isBlocked(now), true);

    now += 10 * 60 * 1000 - 1;
    assert.equal(limiter.allow(clock), false);
    now += 1;
    assert.equal(limiter.allow(clock), true, 'the pause is over and the counts start afresh');
    assert.equal(limiter.allow(clock), true);
  });

  it('does not read the clock while not paused', () => {
    const limiter = new EvictionLimiter(0.25);
    const clock = () => assert.fail('clock read');
    for (let i = 0; i < 100; i++) assert.equal(limiter.allow(clock), true);
  });
});
