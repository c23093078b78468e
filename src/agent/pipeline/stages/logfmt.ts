// `logfmt`: extracts logfmt keys from the line (or an extracted value),
// renamed through `mapping` (extracted name -> logfmt key, empty meaning the
// same name).
import type { LogEntry } from '../entry.js';
import { decodeLogfmt } from '../logfmt.js';
import { ProcessorStage, type StageContext } from '../stage.js';
import { StageConfigError, type StageOptions } from '../stage-options.js';
import { readSource, sourceText } from './source.js';

export class LogfmtStage extends ProcessorStage {
  readonly name = 'logfmt';

  constructor(
    private readonly ctx: StageContext,
    /** logfmt key -> extracted name */
    private readonly inverse: ReadonlyMap<string, string>,
    private readonly source: string | undefined,
  ) {
    super();
  }

  static fromOptions(ctx: StageContext, opts: StageOptions): LogfmtStage {
    const mapping = opts.stringMap('mapping');
    const source = readSource(opts);
    opts.finish();
    if (!mapping || mapping.size === 0) throw new StageConfigError('logfmt mapping is required');
    const inverse = new Map<string, string>();
    for (const [name, key] of mapping) inverse.set(key || name, name);
    return new LogfmtStage(ctx, inverse, source);
  }

  protected apply(entry: LogEntry): void {
    const input = sourceText(entry, this.source);
    if (input === undefined) return;
    const extracted = entry.extracted();
    try {
      decodeLogfmt(input, (key, value) => {
        const name = this.inverse.get(key);
        if (name !== undefined) extracted.set(name, value);
      });
    } catch (err) {
      this.ctx.logger.error('failed to decode logfmt', { err: (err as Error).message });
    }
  }
}
