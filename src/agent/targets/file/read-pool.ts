// Read buffers shared by every tailer of the agent.
//
// Reads go through libuv's thread pool (four threads unless
// UV_THREADPOOL_SIZE says otherwise), so more reads in flight than that only
// queue there, each holding a buffer of its own. Here a tailer takes a turn,
// holding one of a few buffers for a handful of reads and the splitting of
// their lines, and gives it back afterwards: a hundred tailed files cost a
// few read buffers, not a hundred, and a poll that finds nothing new
// allocates nothing. Turns also bound how far the tailers together overshoot
// the flow-control high-water mark when they resume at once. A turn spans
// several reads so that the hundred tailers wait for one once per few reads,
// not at every read: what waits long outlives young-generation collections
// and ends up as garbage in the old generation.

/** Reads a tailer makes in one turn before letting the others have theirs. */
export const READS_PER_TURN = 8;

export class ReadPool {
  private readonly free: Buffer[] = [];
  private inUse = 0;
  private readonly waiters: Array<(buf: Buffer) => void> = [];

  constructor(
    /** Turns at once (reads in flight) at most. */
    readonly slots: number,
    /** Size of the pooled buffers. */
    readonly bufferSize: number,
  ) {}

  /** Whether some tailer is waiting for a turn. */
  get contended(): boolean {
    return this.waiters.length > 0;
  }

  /** A buffer for a turn if one is free now (no promise made), else undefined. */
  tryAcquire(): Buffer | undefined {
    if (this.inUse >= this.slots) return undefined;
    this.inUse++;
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.bufferSize);
  }

  /** A buffer for a turn, once fewer than `slots` turns are under way. */
  acquire(): Promise<Buffer> {
    const buf = this.tryAcquire();
    if (buf !== undefined) return Promise.resolve(buf);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends a turn; the buffer's content must not be used afterwards. */
  release(buf: Buffer): void {
    const next = this.waiters.shift();
    // The turn passes straight to the next waiter, buffer and all, so the count stays as it is.
    if (next !== undefined) next(buf);
    else {
      this.inUse--;
      this.free.push(buf);
    }
  }
}

/** Four buffers of 128 KiB: as many reads as libuv runs at once, each large enough to keep syscalls few. */
export const DEFAULT_READ_SIZE = 128 * 1024;
export const sharedReadPool = new ReadPool(4, DEFAULT_READ_SIZE);
