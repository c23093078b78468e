// Wall-clock timestamps for entries that carry none of their own.
//
// Loki drops an entry whose timestamp and line equal those of the entry
// before it in the same stream, so two identical lines read in the same
// millisecond must not get the same time. Each source keeps a Stamper that
// hands out strictly increasing nanosecond timestamps close to the wall clock.

export interface Timestamp {
  /** Whole seconds since the epoch. */
  sec: number;
  /** Nanoseconds within the second, 0..999999999. */
  nanos: number;
}

const NS_PER_SEC = 1_000_000_000;

/** The wall clock with microsecond resolution. */
export function wallClock(): Timestamp {
  const ms = performance.timeOrigin + performance.now();
  const sec = Math.floor(ms / 1000);
  const nanos = Math.floor((ms - sec * 1000) * 1_000_000);
  return { sec, nanos: Math.min(nanos, NS_PER_SEC - 1) };
}

export class Stamper {
  private sec = 0;
  private nanos = -1;

  /** A timestamp at or after the wall clock, one nanosecond after the previous one at least. */
  next(): Timestamp {
    const now = wallClock();
    if (now.sec > this.sec || (now.sec === this.sec && now.nanos > this.nanos)) {
      this.sec = now.sec;
      this.nanos = now.nanos;
    } else if (++this.nanos === NS_PER_SEC) {
      this.sec++;
      this.nanos = 0;
    }
    return { sec: this.sec, nanos: this.nanos };
  }

  /**
   * Starts a run of `count` timestamps for lines read together: returns the
   * first; the rest follow one nanosecond apart (see advance()).
   */
  begin(): void {
    const now = wallClock();
    if (now.sec > this.sec || (now.sec === this.sec && now.nanos > this.nanos)) {
      this.sec = now.sec;
      this.nanos = now.nanos - 1;
    }
  }

  /** The next timestamp of a run started with begin(); writes into `out` to avoid allocating. */
  advance(out: Timestamp): void {
    if (++this.nanos >= NS_PER_SEC) {
      this.sec++;
      this.nanos = 0;
    }
    out.sec = this.sec;
    out.nanos = this.nanos;
  }
}

export function compareTimestamps(a: Timestamp, b: Timestamp): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nanos - b.nanos;
}

/** Nanoseconds since the epoch as a bigint. */
export function toNanos(t: Timestamp): bigint {
  return BigInt(t.sec) * 1_000_000_000n + BigInt(t.nanos);
}

export function fromNanos(ns: bigint): Timestamp {
  let sec = ns / 1_000_000_000n;
  let rem = ns % 1_000_000_000n;
  if (rem < 0n) {
    sec -= 1n;
    rem += 1_000_000_000n;
  }
  return { sec: Number(sec), nanos: Number(rem) };
}

export function fromMillis(ms: number): Timestamp {
  const sec = Math.floor(ms / 1000);
  return { sec, nanos: Math.round((ms - sec * 1000) * 1_000_000) };
}
