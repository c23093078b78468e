import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from './backoff.js';

describe('backoff', () => {
  it('draws each delay from a doubling range whose growth stops once its top reaches the maximum', () => {
    const low = new Backoff({ minMs: 100, maxMs: 1000, maxRetries: 0 }, () => 0);
    assert.deepEqual(
      Array.from({ length: 6 }, () => low.nextDelay()),
      [100, 200, 400, 800, 800, 800],
    );
    const high = new Backoff({ minMs: 100, maxMs: 1000, maxRetries: 0 }, () => 0.999);
    assert.deepEqual(
      Array.from({ length: 4 }, () => high.nextDelay()),
      [199, 399, 799, 999],
    );
  });

  it('stops being ongoing after max retries; zero retries forever', () => {
    const limited = new Backoff({ minMs: 1, maxMs: 1, maxRetries: 2 });
    assert.equal(limited.ongoing(), true);
    limited.nextDelay();
    limited.nextDelay();
    assert.equal(limited.ongoing(), false);
    const unlimited = new Backoff({ minMs: 1, maxMs: 1, maxRetries: 0 });
    for (let i = 0; i < 100; i++) unlimited.nextDelay();
    assert.equal(unlimited.ongoing(), true);
  });

  it('starts over after reset', () => {
    const b = new Backoff({ minMs: 100, maxMs: 10_000, maxRetries: 3 }, () => 0);
    b.nextDelay();
    b.nextDelay();
    b.reset();
    assert.equal(b.numRetries, 0);
    assert.equal(b.nextDelay(), 100);
  });

  it('does not sleep for the last retry, and not at all once aborted', async () => {
    const b = new Backoff({ minMs: 10_000, maxMs: 10_000, maxRetries: 1 });
    const started = Date.now();
    await b.wait();
    const aborted = new Backoff({ minMs: 10_000, maxMs: 10_000, maxRetries: 0 });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 20);
    await aborted.wait(abort.signal);
    assert.ok(Date.now() - started < 1000);
    assert.equal(aborted.ongoing(abort.signal), false);
  });
});
