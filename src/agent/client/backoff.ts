// Exponential backoff with jitter, as dskit's backoff package (which
// Promtail's clients use): the n-th wait is drawn from [min·2ⁿ, min·2ⁿ⁺¹),
// capped at max; after `maxRetries` waits (0: no limit) it gives up.

export interface BackoffConfig {
  readonly minMs: number;
  readonly maxMs: number;
  readonly maxRetries: number;
}

export class Backoff {
  private retries = 0;
  private nextMin: number;
  private nextMax: number;

  constructor(
    private readonly cfg: BackoffConfig,
    private readonly random: () => number = Math.random,
  ) {
    this.nextMin = cfg.minMs;
    this.nextMax = Math.min(2 * cfg.minMs, cfg.maxMs);
  }

  get numRetries(): number {
    return this.retries;
  }

  /** Whether another attempt may be made. */
  get ongoing(): boolean {
    return this.cfg.maxRetries === 0 || this.retries < this.cfg.maxRetries;
  }

  /** The next delay in milliseconds (and counts a retry). */
  nextDelay(): number {
    this.retries++;
    if (this.nextMin >= this.nextMax) return this.nextMin;
    const delay = this.nextMin + Math.floor(this.random() * (this.nextMax - this.nextMin));
    this.nextMin = Math.min(2 * this.nextMin, this.cfg.maxMs);
    this.nextMax = Math.min(2 * this.nextMax, this.cfg.maxMs);
    return delay;
  }
}
