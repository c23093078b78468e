// Exponential backoff with jitter, with the semantics of Loki's backoff_config
// (dskit): the first wait is drawn from [min, 2*min), each later range doubles
// until it reaches max; `maxRetries` caps the number of attempts in all, and 0
// means no cap.

export interface BackoffSettings {
  minMs: number;
  maxMs: number;
  maxRetries: number;
}

export class Backoff {
  private attempts = 0;
  private nextMin: number;
  private nextMax: number;

  constructor(
    private readonly settings: BackoffSettings,
    private readonly random: () => number = Math.random,
  ) {
    this.nextMin = settings.minMs;
    this.nextMax = double(settings.minMs, settings.maxMs);
  }

  /** Attempts made so far (waits taken). */
  get retries(): number {
    return this.attempts;
  }

  /** Whether another attempt is allowed. */
  ongoing(): boolean {
    return this.settings.maxRetries === 0 || this.attempts < this.settings.maxRetries;
  }

  /** The wait before the next attempt, in milliseconds; counts one attempt as made. */
  nextDelay(): number {
    this.attempts++;
    if (this.nextMin >= this.nextMax) return this.nextMin;
    const delay = this.nextMin + Math.floor(this.random() * (this.nextMax - this.nextMin));
    if (this.nextMax < this.settings.maxMs) {
      this.nextMin = double(this.nextMin, this.settings.maxMs);
      this.nextMax = double(this.nextMax, this.settings.maxMs);
    }
    return delay;
  }
}

function double(value: number, max: number): number {
  return Math.min(value * 2, max);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
