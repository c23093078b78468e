// The patterns of one stream: a Drain per level, created on the level's first
// line, all with the tokenizer chosen from the stream's first line.
import type { Labels } from '../util/labels.js';
import { lineToByteString } from './byte-string.js';
import type { PatternDetectorConfig } from './config.js';
import { Drain } from './drain.js';
import type { LogLevel } from './levels.js';
import type { LogFormat } from './log-format.js';
import { tokenizerFor } from './tokenizers.js';

/** Receives one sample of one pattern (the pattern as a byte string). */
export type PatternSampleSink = (pattern: string, level: LogLevel, tsMs: number, count: number) => void;

export class PatternStream {
  /**
   * The newest line's time, as seconds and nanoseconds so that the push path
   * compares numbers, not bigints. Older lines are ignored, as Loki's pattern
   * ingester does; it starts at the epoch, so lines before 1970 are too.
   */
  private newestSec = 0;
  private newestNanos = 0;
  private readonly drains = new Map<LogLevel, Drain>();

  constructor(
    /** The stream's canonical label string. */
    readonly key: string,
    readonly labels: Labels,
    /** The format of the stream's first line; it picks the tokenizer. */
    readonly format: LogFormat,
    private readonly config: PatternDetectorConfig,
    private readonly jsonMessageFields: readonly string[],
    private readonly clock: () => number,
  ) {}

  /** Trains the level's Drain on one line seen at `sec` seconds and `nanos` nanoseconds after the epoch. */
  push(sec: number, nanos: number, line: string | Buffer, level: LogLevel): void {
    if (sec < this.newestSec || (sec === this.newestSec && nanos < this.newestNanos)) return;
    this.newestSec = sec;
    this.newestNanos = nanos;
    this.drainFor(level).train(lineToByteString(line), sec * 1000 + Math.trunc(nanos / 1_000_000), this.clock);
  }

  /**
   * Emits every pattern's samples in [fromMs, throughMs), re-bucketed to
   * `stepMs`. Clusters whose pattern cannot be printed are left out, as in Loki.
   */
  emitSamples(fromMs: number, throughMs: number, stepMs: number, sink: PatternSampleSink): void {
    for (const [level, drain] of this.drains) {
      for (const cluster of drain.clusters()) {
        const pattern = drain.pattern(cluster);
        if (pattern === '') continue;
        cluster.samples.emitRange(fromMs, throughMs, stepMs, (ts, count) => sink(pattern, level, ts, count));
      }
    }
  }

  /**
   * Forgets samples older than `retainForMs` before `nowMs`, the clusters left
   * without samples and their tree branches. Returns true when no cluster is
   * left, so the stream can be dropped.
   */
  prune(nowMs: number): boolean {
    let live = 0;
    for (const drain of this.drains.values()) {
      for (const cluster of drain.clusters()) {
        if (cluster.samples.prune(this.config.retainForMs, nowMs) === 0) drain.delete(cluster);
      }
      drain.pruneTree();
      live += drain.clusters().length;
    }
    return live === 0;
  }

  /** Live clusters over all levels. */
  clusterCount(): number {
    let n = 0;
    for (const drain of this.drains.values()) n += drain.clusters().length;
    return n;
  }

  /** The Drain of a level, if the stream has seen a line of that level. */
  drain(level: LogLevel): Drain | undefined {
    return this.drains.get(level);
  }

  private drainFor(level: LogLevel): Drain {
    let drain = this.drains.get(level);
    if (drain === undefined) {
      const tokenizer = tokenizerFor(this.format, this.config.maxAllowedLineLength, this.jsonMessageFields);
      drain = new Drain(this.config, tokenizer);
      this.drains.set(level, drain);
    }
    return drain;
  }
}
