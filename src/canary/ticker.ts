// A ticker with the behaviour of Go's time.Ticker, which paces loki-canary's writer and checks:
// ticks fall on a fixed grid (start + k·period) so that they do not drift by the time the callback
// takes, and ticks missed while the process was busy are dropped rather than delivered in a burst.

import { performance } from 'node:perf_hooks';

/** The time source and timer a ticker runs on; replaceable so that tests control time. */
export interface TickerTimers {
  /** Monotonic milliseconds. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: TickerTimers = {
  now: () => performance.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class Ticker {
  private timer: unknown;
  private next: number;
  private period: number;
  private stopped = false;

  /**
   * @param periodMs time between ticks
   * @param onTick called on every tick; exceptions are the caller's to handle
   * @param firstDelayMs delay before the first tick (Go: the period)
   */
  constructor(
    periodMs: number,
    private readonly onTick: () => void,
    firstDelayMs: number = periodMs,
    private readonly timers: TickerTimers = systemTimers,
  ) {
    if (!(periodMs > 0)) throw new Error('non-positive interval for NewTicker');
    this.period = periodMs;
    this.next = timers.now() + firstDelayMs;
    this.schedule();
  }

  /** Restarts the ticker with a new period, the next tick one period from now (Go's Reset). */
  reset(periodMs: number): void {
    if (!(periodMs > 0)) throw new Error('non-positive interval for Ticker.Reset');
    if (this.stopped) return;
    this.period = periodMs;
    this.next = this.timers.now() + periodMs;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => this.fire(), Math.max(0, this.next - this.timers.now()));
  }

  private fire(): void {
    if (this.stopped) return;
    const now = this.timers.now();
    this.next += this.period;
    if (this.next <= now) {
      // Skip the ticks that fell while the event loop was busy, keeping the grid.
      this.next += (Math.floor((now - this.next) / this.period) + 1) * this.period;
    }
    this.schedule();
    this.onTick();
  }
}
