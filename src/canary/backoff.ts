// Exponential backoff with jitter, with the exact rules of dskit's backoff package that
// loki-canary uses for push retries and query back-off: the n-th delay is drawn from
// [min·2ⁿ, min·2ⁿ⁺¹), both ends capped at max; after maxRetries delays (0: never) it is over.

import { sleep } from './clock.js';

export interface BackoffConfig {
  readonly minMs: number;
  readonly maxMs: number;
  /** Zero retries forever. */
  readonly maxRetries: number;
}

export class Backoff {
  private retries = 0;
  private nextMin = 0;
  private nextMax = 0;

  constructor(
    private readonly cfg: BackoffConfig,
    private readonly random: () => number = Math.random,
  ) {
    this.reset();
  }

  get numRetries(): number {
    return this.retries;
  }

  /** Whether the caller should make another attempt. */
  ongoing(signal?: AbortSignal): boolean {
    if (signal?.aborted) return false;
    return this.cfg.maxRetries === 0 || this.retries < this.cfg.maxRetries;
  }

  reset(): void {
    this.retries = 0;
    this.nextMin = this.cfg.minMs;
    this.nextMax = doubled(this.cfg.minMs, this.cfg.maxMs);
  }

  /** Counts a retry and returns how long to wait before it, in milliseconds. */
  nextDelay(): number {
    this.retries++;
    if (this.nextMin >= this.nextMax) return this.nextMin;
    const delay = this.nextMin + Math.floor(this.random() * (this.nextMax - this.nextMin));
    if (this.nextMax < this.cfg.maxMs) {
      this.nextMin = doubled(this.nextMin, this.cfg.maxMs);
      this.nextMax = doubled(this.nextMax, this.cfg.maxMs);
    }
    return delay;
  }

  /** Counts a retry and sleeps for its delay, unless that retry was the last one or the signal fires. */
  async wait(signal?: AbortSignal): Promise<void> {
    const delay = this.nextDelay();
    if (this.ongoing(signal)) await sleep(delay, signal);
  }
}

function doubled(value: number, max: number): number {
  return Math.min(value * 2, max);
}
