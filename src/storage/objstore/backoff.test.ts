import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff, sleep } from './backoff.js';

test('delays start in [min, 2*min) and the range doubles until its top reaches max', () => {
  const low = new Backoff({ minMs: 100, maxMs: 1000, maxRetries: 0 }, () => 0);
  assert.deepEqual(
    Array.from({ length: 6 }, () => low.nextDelay()),
    [100, 200, 400, 800, 800, 800],
  );
  const high = new Backoff({ minMs: 100, maxMs: 1000, maxRetries: 0 }, () => 0.999999);
  const delays = Array.from({ length: 5 }, () => high.nextDelay());
  assert.deepEqual(delays, [199, 399, 799, 999, 999]);
});

test('maxRetries counts attempts in all; 0 means no limit', () => {
  const limited = new Backoff({ minMs: 1, maxMs: 2, maxRetries: 3 });
  let attempts = 0;
  while (limited.ongoing()) {
    attempts++;
    limited.nextDelay();
  }
  assert.equal(attempts, 3);
  const unlimited = new Backoff({ minMs: 1, maxMs: 2, maxRetries: 0 });
  for (let i = 0; i < 1000; i++) unlimited.nextDelay();
  assert.ok(unlimited.ongoing());
});

test('equal min and max give a constant delay', () => {
  const constant = new Backoff({ minMs: 50, maxMs: 50, maxRetries: 0 });
  assert.deepEqual([constant.nextDelay(), constant.nextDelay()], [50, 50]);
});

test('sleep stops early when the signal aborts', async () => {
  const controller = new AbortController();
  const started = Date.now();
  setTimeout(() => controller.abort(new Error('stop')), 20);
  await assert.rejects(sleep(10_000, controller.signal), /stop/);
  assert.ok(Date.now() - started < 5_000);
});
