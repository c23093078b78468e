import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from './rate-limiter.js';

describe('rate limiter', () => {
  it('starts full, refills at the rate up to the burst, and refuses without taking tokens', () => {
    const l = new RateLimiter(100, 300, 0);
    assert.equal(l.allowN(0, 250), true);
    assert.equal(l.allowN(0, 100), false, '50 left');
    assert.equal(l.allowN(0, 50), true);
    assert.equal(l.allowN(500, 60), false, '50 refilled in half a second');
    assert.equal(l.allowN(500, 50), true);
    assert.equal(l.allowN(100_000, 300), true, 'refills to the burst only');
    assert.equal(l.allowN(100_000, 1), false);
  });

  it('never allows more than the burst at once', () => {
    const l = new RateLimiter(1e9, 10, 0);
    assert.equal(l.allowN(1000, 11), false);
    assert.equal(l.allowN(1000, 10), true);
  });

  it('takes new limits without losing the tokens it has', () => {
    const l = new RateLimiter(10, 100, 0);
    l.setLimits(10, 20);
    assert.equal(l.allowN(0, 21), false);
    assert.equal(l.allowN(0, 20), true);
  });
});
