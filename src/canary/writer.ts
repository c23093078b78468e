// The canary's writer: every `-interval` it takes the time, optionally moves it back to make an
// out-of-order entry (`-out-of-order-percentage`, between `-out-of-order-min` and `-max` whole
// seconds back), hands the line to the entry writer and tells the comparator it was sent.

import type { Clock } from './clock.js';
import type { EntryWriter } from './entry-writer.js';
import { LineFormatter } from './line.js';
import { Ticker } from './ticker.js';

export interface WriterConfig {
  readonly entryWriter: EntryWriter;
  /** Called with each entry's timestamp once the entry writer has taken it. */
  readonly onSent: (tsNs: bigint) => void;
  readonly intervalMs: number;
  readonly outOfOrderPercentage: number;
  readonly outOfOrderMinMs: number;
  readonly outOfOrderMaxMs: number;
  readonly size: number;
  readonly clock: Clock;
  /** Uniform in [0, 1); replaceable so that tests can pin the out-of-order choice. */
  readonly random?: () => number;
}

const NS_PER_SECOND = 1_000_000_000n;

export class Writer {
  private readonly lines: LineFormatter;
  private readonly random: () => number;
  private ticker: Ticker | undefined;
  /** Set while the entry writer's queue is full: ticks meanwhile write nothing. */
  private blocked = false;
  private stopped = false;

  constructor(private readonly cfg: WriterConfig) {
    this.lines = new LineFormatter(cfg.size);
    this.random = cfg.random ?? Math.random;
  }

  start(): void {
    this.ticker = new Ticker(this.cfg.intervalMs, () => this.tick());
  }

  stop(): void {
    this.stopped = true;
    this.ticker?.stop();
  }

  /** Writes one entry now; the ticker calls it every interval. */
  tick(): void {
    if (this.blocked || this.stopped) return;
    const ts = this.entryTimestamp();
    const pending = this.cfg.entryWriter.writeEntry(ts, this.lines.format(ts));
    if (pending === undefined) {
      this.cfg.onSent(ts);
      return;
    }
    this.blocked = true;
    void pending.then(() => {
      this.blocked = false;
      if (!this.stopped) this.cfg.onSent(ts);
    });
  }

  private entryTimestamp(): bigint {
    const now = this.cfg.clock.nowNs();
    if (Math.floor(this.random() * 100) >= this.cfg.outOfOrderPercentage) return now;
    // Whole seconds in [min, max), drawn as loki-canary draws them.
    const spanSec = Math.trunc((this.cfg.outOfOrderMaxMs - this.cfg.outOfOrderMinMs) / 1000);
    const minSec = Math.trunc(this.cfg.outOfOrderMinMs / 1000);
    const back = (spanSec > 0 ? Math.floor(this.random() * spanSec) : 0) + minSec;
    return now - BigInt(back) * NS_PER_SECOND;
  }
}
