import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from './backoff.js';

describe('retry backoff', () => {
  it('allows maxRetries attempts', () => {
    const b = new Backoff({ minBackoffMs: 0, maxBackoffMs: 0, maxRetries: 3 });
    let attempts = 0;
    while (b.ongoing()) {
      attempts++;
      b.nextDelay();
    }
    assert.equal(attempts, 3);
    assert.equal(b.err(), 'terminated after 3 retries');
  });

  it('draws delays between bounds that double until the upper one reaches the maximum', () => {
    const low = new Backoff({ minBackoffMs: 1000, maxBackoffMs: 10_000, maxRetries: 0 }, undefined, () => 0);
    assert.deepEqual(
      [1, 2, 3, 4, 5].map(() => low.nextDelay()),
      [1000, 2000, 4000, 8000, 8000],
    );
    const high = new Backoff({ minBackoffMs: 1000, maxBackoffMs: 10_000, maxRetries: 0 }, undefined, () => 0.999999);
    assert.deepEqual(
      [1, 2, 3].map(() => high.nextDelay()),
      [1999, 3999, 7999],
    );
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    const b = new Backoff({ minBackoffMs: 60_000, maxBackoffMs: 60_000, maxRetries: 0 }, controller.signal);
    const waiting = b.wait();
    controller.abort();
    await waiting;
    assert.equal(b.ongoing(), false);
    assert.equal(b.err(), 'context canceled');
  });
});
