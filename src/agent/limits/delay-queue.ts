// Holds entries until a token bucket lets them through, in arrival order.
// Used where Promtail blocks on rate.Limiter.Wait (the limit stage without
// `drop`, and `readline_rate_drop: false`): here the entry waits in a queue
// and the sources slow down through back-pressure instead of a blocked thread.
import type { FlowControl } from '../flow-control.js';
import type { LogEntry } from '../pipeline/entry.js';
import type { Emit } from '../pipeline/stage.js';
import type { TokenBucket } from './token-bucket.js';

interface Held {
  entry: LogEntry;
  next: Emit;
  /** performance.now() at which the entry may go. */
  due: number;
}

export class DelayQueue {
  private readonly queue: Held[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bucket: TokenBucket,
    private readonly flow: FlowControl,
  ) {}

  push(entry: LogEntry, next: Emit): void {
    const wait = this.bucket.reserve();
    if (wait === 0 && this.head === this.queue.length) {
      next(entry);
      return;
    }
    this.queue.push({ entry, next, due: performance.now() + wait });
    this.flow.hold(entry.lineBytes);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.head === this.queue.length) return;
    const delay = Math.max(0, this.queue[this.head]!.due - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.release(false);
    }, delay);
  }

  /** Sends every due entry (or all of them when `all`). */
  private release(all: boolean): void {
    const now = performance.now();
    while (this.head < this.queue.length) {
      const h = this.queue[this.head]!;
      if (!all && h.due > now) break;
      this.queue[this.head++] = undefined as unknown as Held;
      this.flow.release(h.entry.lineBytes);
      h.next(h.entry);
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    this.schedule();
  }

  /** Sends everything still held (shutdown must not lose entries to a rate limit). */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.release(true);
  }

  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
