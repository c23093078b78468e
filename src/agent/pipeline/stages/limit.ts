// `limit`: rate-limits entries, either dropping the excess (`drop: true`) or
// delaying it. With `by_label_name` each value of that label gets its own
// bucket (dropping only), for at most `max_distinct_labels` values at a time.
import { DelayQueue } from '../../limits/delay-queue.js';
import { TokenBucket } from '../../limits/token-bucket.js';
import type { LogEntry } from '../entry.js';
import { dropEntry, type Emit, type Stage, type StageContext } from '../stage.js';
import { StageConfigError, type StageOptions } from '../stage-options.js';

const DROP_REASON = 'ratelimit_drop_stage';
const MIN_DISTINCT_LABELS = 10_000;

export class LimitStage implements Stage {
  readonly name = 'limit';
  private readonly bucket: TokenBucket | undefined;
  private readonly delays: DelayQueue | undefined;
  private readonly byLabel = new Map<string, TokenBucket>();

  constructor(
    private readonly ctx: StageContext,
    private readonly rate: number,
    private readonly burst: number,
    private readonly drop: boolean,
    private readonly byLabelName: string,
    private readonly maxDistinct: number,
  ) {
    if (!byLabelName) {
      this.bucket = new TokenBucket(rate, burst);
      if (!drop) this.delays = new DelayQueue(this.bucket, ctx.flow);
    }
  }

  static fromOptions(ctx: StageContext, opts: StageOptions): LimitStage {
    const rate = opts.number('rate') ?? 0;
    const burst = opts.integer('burst') ?? 0;
    const drop = opts.bool('drop') ?? false;
    const byLabelName = opts.string('by_label_name') ?? '';
    let maxDistinct = opts.integer('max_distinct_labels') ?? 0;
    opts.finish();
    if (rate <= 0 || burst <= 0) throw new StageConfigError('limit stage failed to parse rate or burst');
    if (byLabelName && !drop) throw new StageConfigError('When ratelimiting by label, drop must be true');
    if (byLabelName && maxDistinct < MIN_DISTINCT_LABELS) {
      ctx.logger.warn(`max_distinct_labels was adjusted up to the minimal reasonable value of ${MIN_DISTINCT_LABELS}`);
      maxDistinct = MIN_DISTINCT_LABELS;
    }
    return new LimitStage(ctx, rate, burst, drop, byLabelName, maxDistinct);
  }

  private bucketFor(value: string): TokenBucket {
    let b = this.byLabel.get(value);
    if (b === undefined) {
      if (this.byLabel.size >= this.maxDistinct) {
        // Forget every bucket at once, as Promtail's generational map does, and its per-label counts.
        this.byLabel.clear();
        this.ctx.metrics.droppedLinesByLabel.reset();
      }
      b = new TokenBucket(this.rate, this.burst);
      this.byLabel.set(value, b);
    }
    return b;
  }

  process(entry: LogEntry, next: Emit): void {
    if (this.byLabelName) {
      const value = entry.labels.get(this.byLabelName);
      if (value === undefined || this.bucketFor(value).allow()) {
        next(entry);
        return;
      }
      this.ctx.metrics.droppedLinesByLabel.inc({ label_name: this.byLabelName, label_value: value });
      dropEntry(this.ctx, entry, DROP_REASON);
      return;
    }
    if (this.drop) {
      if (this.bucket!.allow()) next(entry);
      else dropEntry(this.ctx, entry, DROP_REASON);
      return;
    }
    this.delays!.push(entry, next);
  }

  flush(): void {
    this.delays?.flush();
  }

  close(): void {
    this.delays?.close();
  }
}
