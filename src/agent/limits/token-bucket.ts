// A token bucket with the semantics of golang.org/x/time/rate's Limiter,
// which Promtail's limits use: `rate` tokens per second, at most `burst`
// banked, starting full. allow() takes a token if one is there; reserve()
// always takes one and says how long the caller must wait for it.

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  private advance(t: number): void {
    const elapsed = Math.max(0, t - this.last) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.rate);
    this.last = t;
  }

  allow(): boolean {
    this.advance(this.now());
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Takes a token now and returns the milliseconds until it is really available (0 when it is). */
  reserve(): number {
    this.advance(this.now());
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.rate) * 1000;
  }
}
