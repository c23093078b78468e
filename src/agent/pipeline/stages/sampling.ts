// `sampling`: keeps each entry with probability `rate` (0 to 1) and drops
// the others, counted under `drop_counter_reason`.
import type { LogEntry } from '../entry.js';
import { dropEntry, type Emit, type Stage, type StageContext } from '../stage.js';
import { StageConfigError, type StageOptions } from '../stage-options.js';

export class SamplingStage implements Stage {
  readonly name = 'sampling';

  constructor(
    private readonly ctx: StageContext,
    private readonly rate: number,
    private readonly reason: string,
    private readonly random: () => number = Math.random,
  ) {}

  static fromOptions(ctx: StageContext, opts: StageOptions, random?: () => number): SamplingStage {
    const reason = opts.string('drop_counter_reason') || 'sampling_stage';
    const rate = opts.number('rate') ?? 0;
    opts.finish();
    if (rate < 0 || rate > 1) {
      throw new StageConfigError(
        `sampling stage failed to parse rate,Sampling Rate must be between 0.0 and 1.0, received ${rate.toFixed(6)}`,
      );
    }
    return new SamplingStage(ctx, rate, reason, random);
  }

  process(entry: LogEntry, next: Emit): void {
    if (this.random() < this.rate) next(entry);
    else dropEntry(this.ctx, entry, this.reason);
  }
}
