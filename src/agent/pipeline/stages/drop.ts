// `drop`: drops entries meeting every configured criterion: longer than
// `longer_than`, older than `older_than`, having the `source` values, or
// whose line (or joined source values) matches `expression` / equals `value`.
import { parseByteSize } from '../../../config/values/bytesize.js';
import { parseGoDurationNs } from '../../../config/values/duration.js';
import { compileGoRegexp, type GoRegexp } from '../../../util/regexp.js';
import type { LogEntry } from '../entry.js';
import { dropEntry, type Emit, type Stage, type StageContext } from '../stage.js';
import { StageConfigError, type StageOptions } from '../stage-options.js';
import { tryString } from '../values.js';

/** Escapes every RE2 metacharacter (Go's regexp.QuoteMeta). */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

export interface DropCriteria {
  readonly sources: readonly string[] | undefined;
  readonly regex: GoRegexp | undefined;
  readonly separator: string;
  readonly olderThanMs: number | undefined;
  readonly longerThan: number | undefined;
  readonly reason: string;
}

export class DropStage implements Stage {
  readonly name = 'drop';

  constructor(
    private readonly ctx: StageContext,
    private readonly c: DropCriteria,
    private readonly now: () => number = Date.now,
  ) {}

  static fromOptions(ctx: StageContext, opts: StageOptions, now?: () => number): DropStage {
    const sources = opts.strings('source', true);
    const value = opts.string('value');
    const separator = opts.string('separator') ?? ';';
    const expression = opts.string('expression');
    const olderThan = opts.string('older_than');
    const longerThan = opts.string('longer_than');
    const reason = opts.string('drop_counter_reason') || 'drop_stage';
    opts.finish();
    if (sources === undefined && expression === undefined && olderThan === undefined && longerThan === undefined) {
      throw new StageConfigError(
        'drop stage config must contain at least one of `source`, `expression`, `older_than` or `longer_than`',
      );
    }
    let olderThanMs: number | undefined;
    if (olderThan !== undefined) {
      try {
        olderThanMs = Number(parseGoDurationNs(olderThan)) / 1e6;
      } catch (err) {
        throw new StageConfigError(
          `drop stage invalid duration, ${olderThan} cannot be converted to a duration: ${(err as Error).message}`,
        );
      }
    }
    if (value !== undefined && sources === undefined) {
      throw new StageConfigError('drop stage config must contain `source` if `value` is specified');
    }
    if (value !== undefined && expression !== undefined) {
      throw new StageConfigError(
        'drop stage config error, `value` and `expression` cannot both be defined at the same time.',
      );
    }
    let regex: GoRegexp | undefined;
    const pattern = expression ?? (value !== undefined ? `^${quoteMeta(value)}$` : undefined);
    if (pattern !== undefined) {
      try {
        regex = compileGoRegexp(pattern);
      } catch (err) {
        throw new StageConfigError(`drop stage regex compilation error: ${(err as Error).message}`);
      }
    }
    let longer: number | undefined;
    if (longerThan !== undefined) {
      try {
        longer = parseByteSize(longerThan);
      } catch (err) {
        throw new StageConfigError(`drop stage failed to parse longer_than to bytes: ${(err as Error).message}`);
      }
    }
    return new DropStage(ctx, { sources, regex, separator, olderThanMs, longerThan: longer, reason }, now);
  }

  private shouldDrop(entry: LogEntry): boolean {
    const c = this.c;
    if (c.longerThan !== undefined && entry.lineBytes <= c.longerThan) return false;
    if (c.olderThanMs !== undefined) {
      const entryMs = entry.sec * 1000 + entry.nanos / 1e6;
      if (!(entryMs < this.now() - c.olderThanMs)) return false;
    }
    if (c.sources !== undefined && c.regex === undefined) {
      const extracted = entry.extracted();
      for (const s of c.sources) if (!extracted.has(s)) return false;
    }
    if (c.sources === undefined && c.regex !== undefined) {
      if (!c.regex.test(entry.lineText)) return false;
    }
    if (c.sources !== undefined && c.regex !== undefined) {
      const extracted = entry.extracted();
      const parts: string[] = [];
      for (const s of c.sources) {
        if (!extracted.has(s)) continue;
        const v = tryString(extracted.get(s));
        if (v === undefined) return false;
        parts.push(v);
      }
      if (!c.regex.test(parts.join(c.separator))) return false;
    }
    return true;
  }

  process(entry: LogEntry, next: Emit): void {
    if (this.shouldDrop(entry)) dropEntry(this.ctx, entry, this.c.reason);
    else next(entry);
  }
}
