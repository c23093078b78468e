import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock } from './clock.js';
import { type EntryWriter, StreamEntryWriter } from './entry-writer.js';
import { Writer, type WriterConfig } from './writer.js';

const SEC = 1_000_000_000n;
const NOW = 1_700_000_000n * SEC;
const fixedClock: Clock = { nowNs: () => NOW };

function writer(overrides: Partial<WriterConfig> & { entryWriter: EntryWriter; sent: bigint[] }): Writer {
  return new Writer({
    onSent: (ts) => overrides.sent.push(ts),
    intervalMs: 1000,
    outOfOrderPercentage: 0,
    outOfOrderMinMs: 30_000,
    outOfOrderMaxMs: 60_000,
    size: 40,
    clock: fixedClock,
    ...overrides,
  });
}

describe('canary writer', () => {
  it('writes a padded line with the current time and reports it sent', () => {
    let out = '';
    const sent: bigint[] = [];
    const w = writer({ entryWriter: new StreamEntryWriter({ write: (s: string) => (out += s) }), sent });
    w.tick();
    assert.equal(out, `${NOW} ${'p'.repeat(40 - 21)}\n`);
    assert.deepEqual(sent, [NOW]);
  });

  it('moves the chosen share of entries back by whole seconds between -out-of-order-min and -max', () => {
    const sent: bigint[] = [];
    // First draw decides out of order (0 < 100%), second picks the offset within [30s, 60s).
    const draws = [0, 0, 0, 0.999];
    const w = writer({
      entryWriter: new StreamEntryWriter({ write: () => undefined }),
      sent,
      outOfOrderPercentage: 100,
      random: () => draws.shift()!,
    });
    w.tick();
    w.tick();
    assert.deepEqual(sent, [NOW - 30n * SEC, NOW - 59n * SEC]);
  });

  it('keeps entries in order when the draw is at or above the percentage', () => {
    const sent: bigint[] = [];
    const w = writer({
      entryWriter: new StreamEntryWriter({ write: () => undefined }),
      sent,
      outOfOrderPercentage: 50,
      random: () => 0.5,
    });
    w.tick();
    assert.deepEqual(sent, [NOW]);
  });

  it('writes nothing while the entry writer cannot take lines, then reports the waiting one sent', async () => {
    const sent: bigint[] = [];
    let release: () => void = () => undefined;
    const lines: string[] = [];
    const gated: EntryWriter = {
      writeEntry: (_ts, line) => {
        lines.push(line);
        return lines.length === 1 ? new Promise<void>((r) => (release = r)) : undefined;
      },
      stop: async () => undefined,
    };
    const w = writer({ entryWriter: gated, sent });
    w.tick();
    w.tick();
    w.tick();
    assert.equal(lines.length, 1, 'ticks while blocked are skipped');
    assert.deepEqual(sent, []);
    release();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(sent, [NOW]);
    w.tick();
    assert.equal(lines.length, 2);
  });

  it('writes on its own every interval once started', async () => {
    const sent: bigint[] = [];
    const w = writer({ entryWriter: new StreamEntryWriter({ write: () => undefined }), sent, intervalMs: 20 });
    w.start();
    const deadline = Date.now() + 5000;
    while (sent.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    w.stop();
    const count = sent.length;
    await new Promise((r) => setTimeout(r, 60));
    assert.ok(count >= 3, `${count} entries`);
    assert.equal(sent.length, count, 'nothing is written after stop');
  });
});
