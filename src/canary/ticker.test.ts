import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ticker, type TickerTimers } from './ticker.js';

/** Virtual time: timers fire only when the test advances the clock. */
class ManualTimers implements TickerTimers {
  time = 0;
  private pending: Array<{ at: number; callback: () => void; id: number }> = [];
  private ids = 0;

  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = ++this.ids;
    this.pending.push({ at: this.time + delayMs, callback, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((t) => t.id !== handle);
  }
  /** Moves time to `to`, firing due timers in order (a callback may move time further). */
  advanceTo(to: number): void {
    for (;;) {
      this.pending.sort((a, b) => a.at - b.at);
      const due = this.pending[0];
      if (!due || due.at > to) break;
      this.pending.shift();
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = Math.max(this.time, to);
  }
}

describe('ticker', () => {
  it('ticks on a fixed grid however long the callback takes', () => {
    const timers = new ManualTimers();
    const ticks: number[] = [];
    new Ticker(
      20,
      () => {
        ticks.push(timers.time);
        timers.time += 8; // the callback takes 8ms
      },
      20,
      timers,
    );
    timers.advanceTo(100);
    assert.deepEqual(ticks, [20, 40, 60, 80, 100]);
  });

  it("after a busy spell delivers one late tick, as Go's one-slot channel does, drops the rest and keeps the grid", () => {
    const timers = new ManualTimers();
    const ticks: number[] = [];
    new Ticker(
      10,
      () => {
        ticks.push(timers.time);
        if (ticks.length === 1) timers.time += 95; // blocked for more than nine periods
      },
      10,
      timers,
    );
    timers.advanceTo(140);
    assert.deepEqual(ticks, [10, 105, 110, 120, 130, 140]);
  });

  it('delays the first tick as asked, then ticks every period; reset starts a new period from now', () => {
    const timers = new ManualTimers();
    const ticks: number[] = [];
    const ticker = new Ticker(1000, () => ticks.push(timers.time), 7, timers);
    timers.advanceTo(1007);
    assert.deepEqual(ticks, [7, 1007]);
    timers.advanceTo(1500);
    ticker.reset(30);
    timers.advanceTo(1600);
    assert.deepEqual(ticks, [7, 1007, 1530, 1560, 1590]);
    ticker.stop();
    timers.advanceTo(5000);
    assert.equal(ticks.length, 5);
  });

  it('ticks with real timers', async () => {
    let count = 0;
    const ticker = new Ticker(5, () => count++);
    const deadline = Date.now() + 5000;
    while (count < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    ticker.stop();
    assert.ok(count >= 3);
  });

  it('refuses a non-positive period, as Go does', () => {
    assert.throws(() => new Ticker(0, () => undefined), { message: 'non-positive interval for NewTicker' });
  });
});
