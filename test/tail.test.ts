// Live tailing over WebSocket, as Loki's clients use it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pushProto } from './helpers/loki-client.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';
import { nowNs, openTail, waitFor } from './helpers/tail-client.js';

describe('live tail', () => {
  let skald: SkaldProcess;
  before(async () => {
    skald = await startSkald({ authEnabled: true, limits: { max_concurrent_tail_requests: 150 } });
  });
  after(async () => {
    await skald.stop();
    await skald.cleanup();
  });

  it('sends history first, then pushed lines within a second, with filters applied', async () => {
    const t0 = nowNs();
    await pushProto(
      skald.url,
      [{ labels: '{app="tail"}', entries: [{ ts: t0 - 2_000_000_000n, line: 'old error line' }] }],
      'a',
    );
    const tail = await openTail(skald.url, '{app="tail"} |= "error"', 'a', { start: String(t0 - 60_000_000_000n) });
    await waitFor(() => tail.lines.length >= 1);
    assert.equal(tail.lines[0]!.line, 'old error line');
    const sent = Date.now();
    await pushProto(
      skald.url,
      [
        {
          labels: '{app="tail"}',
          entries: [
            { ts: nowNs(), line: 'an info line' },
            { ts: nowNs() + 1n, line: 'a new error line' },
          ],
        },
      ],
      'a',
    );
    await waitFor(() => tail.lines.length >= 2);
    assert.equal(tail.lines[1]!.line, 'a new error line');
    assert.ok(tail.lines[1]!.at - sent < 1000, `arrived after ${tail.lines[1]!.at - sent}ms`);
    assert.deepEqual(tail.lines[1]!.labels, { app: 'tail' });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(tail.lines.length, 2, 'the info line was filtered out');
    tail.ws.close();
  });

  it('keeps tenants apart', async () => {
    const a = await openTail(skald.url, '{app="shared"}', 'tenant-a');
    const b = await openTail(skald.url, '{app="shared"}', 'tenant-b');
    await pushProto(skald.url, [{ labels: '{app="shared"}', entries: [{ ts: nowNs(), line: 'for a' }] }], 'tenant-a');
    await pushProto(skald.url, [{ labels: '{app="shared"}', entries: [{ ts: nowNs(), line: 'for b' }] }], 'tenant-b');
    await waitFor(() => a.lines.length >= 1 && b.lines.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(
      a.lines.map((l) => l.line),
      ['for a'],
    );
    assert.deepEqual(
      b.lines.map((l) => l.line),
      ['for b'],
    );
    a.ws.close();
    b.ws.close();
  });

  it('holds 100 concurrent tails', async () => {
    const tails = await Promise.all(Array.from({ length: 100 }, () => openTail(skald.url, '{app="many"}', 'many')));
    await pushProto(skald.url, [{ labels: '{app="many"}', entries: [{ ts: nowNs(), line: 'to everyone' }] }], 'many');
    await waitFor(() => tails.every((t) => t.lines.length === 1), 5000);
    for (const t of tails) t.ws.close();
  });

  it('refuses bad requests before the upgrade, with Loki messages', async () => {
    await assert.rejects(openTail(skald.url, '{app="x"}', 'a', { delay_for: '6' }), /HTTP 400/);
    await assert.rejects(openTail(skald.url, 'count_over_time({app="x"}[1m])', 'a'), /HTTP 400/);
    await assert.rejects(openTail(skald.url, '{app="x"}', ''), /HTTP 401/);
  });

  it('limits concurrent tails per tenant', async () => {
    const limited = await startSkald({ authEnabled: true, limits: { max_concurrent_tail_requests: 2 } });
    try {
      const t1 = await openTail(limited.url, '{app="x"}', 'a');
      const t2 = await openTail(limited.url, '{app="x"}', 'a');
      await assert.rejects(openTail(limited.url, '{app="x"}', 'a'), /HTTP 400/);
      t1.ws.close();
      t2.ws.close();
    } finally {
      await limited.stop();
      await limited.cleanup();
    }
  });
});
