// A token bucket with the semantics of Go's golang.org/x/time/rate Limiter,
// which Loki's limits use: tokens refill at `limit` per second up to `burst`;
// taking n tokens succeeds only when n tokens are there (n > burst never
// does), and a refused request takes nothing.

export class RateLimiter {
  private tokens: number;
  private lastMs: number;

  constructor(
    private limit: number,
    private burst: number,
    nowMs = Date.now(),
  ) {
    this.tokens = burst;
    this.lastMs = nowMs;
  }

  /** Changes the rate and burst (from a runtime override), keeping the tokens already there. */
  setLimits(limit: number, burst: number): void {
    if (limit === this.limit && burst === this.burst) return;
    this.limit = limit;
    this.burst = burst;
    if (this.tokens > burst) this.tokens = burst;
  }

  private advance(nowMs: number): void {
    if (nowMs > this.lastMs) {
      this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.lastMs) / 1000) * this.limit);
      this.lastMs = nowMs;
    }
  }

  allowN(nowMs: number, n: number): boolean {
    if (this.limit === Number.POSITIVE_INFINITY) return true;
    this.advance(nowMs);
    if (n > this.burst || n > this.tokens) return false;
    this.tokens -= n;
    return true;
  }
}
