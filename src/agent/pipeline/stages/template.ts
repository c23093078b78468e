// `template`: sets an extracted value from a Go template over the extracted
// values (as strings), `.Value` (the current value of `source`) and
// `.Entry` (the line). An empty result removes the value.
import { compileTemplate, type GoValue, type Template } from '../../../logql/template/index.js';
import type { LogEntry } from '../entry.js';
import { ProcessorStage, type StageContext } from '../stage.js';
import { StageConfigError, type StageOptions } from '../stage-options.js';
import { promtailTemplateFunctions } from '../template-functions.js';
import { tryString } from '../values.js';

/** Promtail names its stage templates "pipeline_template" and uses Go's default missing-key output. */
export function compileStageTemplate(text: string): Template {
  try {
    return compileTemplate(text, {
      name: 'pipeline_template',
      functions: promtailTemplateFunctions,
      missingKey: 'default',
    });
  } catch (err) {
    throw new StageConfigError((err as Error).message);
  }
}

/** The template's data: every extracted value that converts to a string. */
export function templateData(extracted: ReadonlyMap<string, unknown>): Map<string, GoValue> {
  const data = new Map<string, GoValue>();
  for (const [k, v] of extracted) {
    const s = tryString(v);
    if (s !== undefined) data.set(k, s);
  }
  return data;
}

export class TemplateStage extends ProcessorStage {
  readonly name = 'template';

  constructor(
    private readonly ctx: StageContext,
    private readonly source: string,
    private readonly template: Template,
  ) {
    super();
  }

  static fromOptions(ctx: StageContext, opts: StageOptions): TemplateStage {
    const source = opts.string('source');
    const text = opts.string('template') ?? '';
    opts.finish();
    if (!source) throw new StageConfigError('template source value is required');
    return new TemplateStage(ctx, source, compileStageTemplate(text));
  }

  protected apply(entry: LogEntry): void {
    const extracted = entry.extracted();
    const data = templateData(extracted);
    const current = data.get(this.source);
    if (current !== undefined) data.set('Value', current);
    data.set('Entry', entry.lineText);
    let out: string;
    try {
      out = this.template.executeData(data);
    } catch (err) {
      this.ctx.logger.debug('failed to execute template on extracted value', { err: (err as Error).message });
      return;
    }
    if (out === '') extracted.delete(this.source);
    else extracted.set(this.source, out);
  }
}
