// Loki's brake on pattern churn. A stream whose lines keep creating new
// clusters evicts old ones from the bounded cluster cache; once evictions
// exceed `max_eviction_ratio` of the lines trained since the last reset, the
// stream's pattern detection pauses for ten minutes, then starts counting
// afresh. Lines during the pause are not trained (nor counted).

const BLOCK_MS = 10 * 60 * 1000;

export class EvictionLimiter {
  private added = 0;
  private evicted = 0;
  private blockedUntilMs = 0;

  constructor(private readonly maxEvictionRatio: number) {}

  /**
   * Whether a line may be trained now. The clock (wall clock, ms) is read only
   * while paused or when pausing, so the common case costs no clock read.
   */
  allow(clock: () => number): boolean {
    if (this.blockedUntilMs !== 0) {
      if (clock() < this.blockedUntilMs) return false;
      this.added = 0;
      this.evicted = 0;
      this.blockedUntilMs = 0;
    }
    if (this.added === 0) {
      this.added++;
      return true;
    }
    if (this.evicted / this.added > this.maxEvictionRatio) {
      this.blockedUntilMs = clock() + BLOCK_MS;
      return false;
    }
    this.added++;
    return true;
  }

  /** Records one cluster evicted to make room for a new one. */
  recordEviction(): void {
    this.evicted++;
  }

  isBlocked(nowMs: number): boolean {
    return this.blockedUntilMs !== 0 && nowMs < this.blockedUntilMs;
  }
}
