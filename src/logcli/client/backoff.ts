// The retry pacing logcli uses (dskit's backoff): a delay drawn between a
// lower and an upper bound that both double after every wait, capped at the
// maximum; `maxRetries` attempts in all (0: no limit).

export interface BackoffConfig {
  minBackoffMs: number;
  maxBackoffMs: number;
  maxRetries: number;
}

export class Backoff {
  private retries = 0;
  private nextMin: number;
  private nextMax: number;

  constructor(
    private readonly cfg: BackoffConfig,
    private readonly signal?: AbortSignal,
    private readonly random: () => number = Math.random,
  ) {
    this.nextMin = cfg.minBackoffMs;
    this.nextMax = Math.min(cfg.minBackoffMs * 2, cfg.maxBackoffMs);
  }

  /** Whether another attempt may be made. */
  ongoing(): boolean {
    return !this.signal?.aborted && (this.cfg.maxRetries === 0 || this.retries < this.cfg.maxRetries);
  }

  numRetries(): number {
    return this.retries;
  }

  /** Why attempts stopped, or null while they may go on. */
  err(): string | null {
    if (this.signal?.aborted) return 'context canceled';
    if (this.cfg.maxRetries !== 0 && this.retries >= this.cfg.maxRetries) {
      return `terminated after ${this.retries} retries`;
    }
    return null;
  }

  /** Counts a retry and returns the delay before it, in milliseconds. */
  nextDelay(): number {
    this.retries++;
    if (this.nextMin >= this.nextMax) return this.nextMin;
    const delay = this.nextMin + Math.floor(this.random() * (this.nextMax - this.nextMin));
    if (this.nextMax < this.cfg.maxBackoffMs) {
      this.nextMin = Math.min(this.nextMin * 2, this.cfg.maxBackoffMs);
      this.nextMax = Math.min(this.nextMax * 2, this.cfg.maxBackoffMs);
    }
    return delay;
  }

  /** Counts a retry and sleeps before it, unless no attempt is left. */
  async wait(): Promise<void> {
    const delay = this.nextDelay();
    if (!this.ongoing() || delay <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, delay);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.signal?.addEventListener('abort', done, { once: true });
    });
  }
}
