// Time sources. Entry timestamps are nanoseconds since the epoch, as loki-canary writes them; the
// comparator takes a Clock so that its accounting can be tested with a clock the test moves.

import { NS_PER_MS } from '../util/time.js';

export interface Clock {
  /** Nanoseconds since the epoch. */
  nowNs(): bigint;
}

/** Drift from the wall clock tolerated before the clock re-anchors to it. */
const MAX_DRIFT_NS = 10n * NS_PER_MS;

/**
 * The wall clock with nanosecond resolution: Date.now() only counts milliseconds, so time moves on
 * from a wall-clock anchor by the monotonic high-resolution timer, and re-anchors when the two drift
 * apart (clock steps, NTP slewing). Consecutive readings are distinct, as Go's time.Now() readings are.
 */
export class SystemClock implements Clock {
  private anchorWallNs = BigInt(Date.now()) * NS_PER_MS;
  private anchorHr = process.hrtime.bigint();

  nowNs(): bigint {
    const hr = process.hrtime.bigint();
    const t = this.anchorWallNs + (hr - this.anchorHr);
    const wall = BigInt(Date.now()) * NS_PER_MS;
    const drift = t - wall;
    if (drift > MAX_DRIFT_NS || drift < -MAX_DRIFT_NS) {
      this.anchorWallNs = wall;
      this.anchorHr = hr;
      return wall;
    }
    return t;
  }
}

export const systemClock: Clock = new SystemClock();

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
