// Back-pressure between the parts that produce entries (file tailers) and
// the parts that hold them (clients waiting on a slow or failing server,
// rate-limiting stages). Holders account the bytes they hold; producers stop
// reading while the total is above the high-water mark and resume once it
// fell below half of it. Nothing is dropped to make room, so a stalled
// server stops tailing instead of losing lines.

export class FlowControl {
  private held = 0;
  private waiters: Array<() => void> = [];

  constructor(
    /** Bytes held across the agent above which producers pause. */
    readonly highWater: number,
  ) {}

  get heldBytes(): number {
    return this.held;
  }

  get congested(): boolean {
    return this.held >= this.highWater;
  }

  hold(bytes: number): void {
    this.held += bytes;
  }

  release(bytes: number): void {
    this.held -= bytes;
    if (this.held < 0) this.held = 0;
    if (this.waiters.length > 0 && this.held < this.highWater / 2) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
  }

  /** Resolves at once when there is room, else once enough was released. */
  waitForRoom(): Promise<void> {
    if (!this.congested) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wakes every waiter (shutdown: producers must notice they are stopping). */
  wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
