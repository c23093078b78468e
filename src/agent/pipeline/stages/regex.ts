// `regex`: named capture groups of a Go regular expression become extracted
// values. An unmatched optional group extracts the empty string, as Go's
// FindStringSubmatch reports it.
import { compileGoRegexp, type GoRegexp } from '../../../util/regexp.js';
import type { LogEntry } from '../entry.js';
import { ProcessorStage } from '../stage.js';
import { StageConfigError, type StageOptions } from '../stage-options.js';
import { readSource, sourceText } from './source.js';

export function compileStageRegexp(expression: string): GoRegexp {
  try {
    return compileGoRegexp(expression);
  } catch (err) {
    throw new StageConfigError(`could not compile regular expression: ${(err as Error).message}`);
  }
}

export class RegexStage extends ProcessorStage {
  readonly name = 'regex';
  private readonly groups: Array<[index: number, name: string]> = [];

  constructor(
    private readonly re: GoRegexp,
    private readonly source: string | undefined,
  ) {
    super();
    re.groupNames.forEach((name, i) => {
      if (i > 0 && name) this.groups.push([i, name]);
    });
  }

  static fromOptions(opts: StageOptions): RegexStage {
    const expression = opts.string('expression');
    const source = readSource(opts);
    opts.finish();
    if (!expression) throw new StageConfigError('expression is required');
    return new RegexStage(compileStageRegexp(expression), source);
  }

  protected apply(entry: LogEntry): void {
    const input = sourceText(entry, this.source);
    if (input === undefined) return;
    const m = this.re.exec(input);
    if (!m) return;
    const extracted = entry.extracted();
    for (const [i, name] of this.groups) {
      const start = m[2 * i]!;
      extracted.set(name, start < 0 ? '' : input.slice(start, m[2 * i + 1]));
    }
  }
}
