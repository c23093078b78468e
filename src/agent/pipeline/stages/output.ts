// `output`: replaces the line with an extracted value (unchanged when the
// value is missing or not a string-like value).
import type { LogEntry } from '../entry.js';
import { ProcessorStage } from '../stage.js';
import { StageConfigError, type StageOptions } from '../stage-options.js';
import { tryString } from '../values.js';

export class OutputStage extends ProcessorStage {
  readonly name = 'output';

  constructor(private readonly source: string) {
    super();
  }

  static fromOptions(opts: StageOptions): OutputStage {
    const source = opts.string('source');
    opts.finish();
    if (!source) throw new StageConfigError('output source value is required if output is specified');
    return new OutputStage(source);
  }

  protected apply(entry: LogEntry): void {
    const extracted = entry.extracted();
    if (!extracted.has(this.source)) return;
    const value = tryString(extracted.get(this.source));
    if (value !== undefined) entry.lineText = value;
  }
}
