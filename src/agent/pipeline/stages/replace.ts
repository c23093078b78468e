// `replace`: rewrites the parts of the line (or of an extracted value)
// captured by the regular expression's groups with a template, in which
// `.Value` is the captured text and every extracted value is available.
// Named groups also extract their replaced text.
import type { Template } from '../../../logql/template/index.js';
import type { GoRegexp } from '../../../util/regexp.js';
import { findAllSubmatchIndex } from '../../relabel/go-expand.js';
import type { LogEntry } from '../entry.js';
import { ProcessorStage, type StageContext } from '../stage.js';
import { StageConfigError, type StageOptions } from '../stage-options.js';
import { compileStageRegexp } from './regex.js';
import { readSource, sourceText } from './source.js';
import { compileStageTemplate, templateData } from './template.js';

export class ReplaceStage extends ProcessorStage {
  readonly name = 'replace';

  constructor(
    private readonly ctx: StageContext,
    private readonly re: GoRegexp,
    private readonly source: string | undefined,
    private readonly template: Template,
  ) {
    super();
  }

  static fromOptions(ctx: StageContext, opts: StageOptions): ReplaceStage {
    const expression = opts.string('expression');
    const source = readSource(opts, 'empty source in replace stage');
    const replace = opts.string('replace') ?? '';
    opts.finish();
    if (!expression) throw new StageConfigError('expression is required');
    return new ReplaceStage(ctx, compileStageRegexp(expression), source, compileStageTemplate(replace));
  }

  protected apply(entry: LogEntry): void {
    const input = sourceText(entry, this.source);
    if (input === undefined) return;
    const matches = findAllSubmatchIndex(this.re, input);
    if (matches.length === 0) return;
    const extracted = entry.extracted();
    const data = templateData(extracted);
    const captured = new Map<string, string>();
    let result = '';
    let previousEnd = 0;
    try {
      for (const m of matches) {
        for (let i = 2; i < m.length; i += 2) {
          const start = m[i]!;
          if (start === -1) continue;
          const text = input.slice(start, m[i + 1]);
          data.set('Value', text);
          const replaced = this.template.executeData(data);
          // Promtail only replaces groups that start after the previous replacement.
          if (previousEnd === 0 || previousEnd <= start) {
            result += input.slice(previousEnd, start) + replaced;
            previousEnd = m[i + 1]!;
          }
          captured.set(text, replaced);
        }
      }
    } catch (err) {
      this.ctx.logger.debug('failed to execute template on extracted value', { err: (err as Error).message });
      return;
    }
    result += input.slice(previousEnd);
    if (this.source !== undefined) extracted.set(this.source, result);
    else entry.lineText = result;
    // Named groups of the first match extract what their text was replaced with.
    const first = matches[0]!;
    this.re.groupNames.forEach((name, i) => {
      if (i === 0 || !name) return;
      const start = first[2 * i]!;
      const text = start < 0 ? '' : input.slice(start, first[2 * i + 1]);
      const replaced = captured.get(text);
      if (replaced !== undefined) extracted.set(name, replaced);
    });
  }
}
