// `match`: entries whose labels match a LogQL stream selector (and whose
// line passes the selector's line filters) either run through nested stages
// (`action: keep`, the default) or are dropped (`action: drop`).
import { compileLineFilter, type LineFilter } from '../../../logql/filter/index.js';
import { parseLogSelector } from '../../../logql/syntax/index.js';
import { type CompiledMatcher, compileMatcher } from '../../../util/matchers.js';
import type { ConfigNode } from '../../config/config-node.js';
import type { LogEntry } from '../entry.js';
import type { Pipeline } from '../pipeline.js';
import { dropEntry, type Emit, type Stage, type StageContext } from '../stage.js';
import { StageConfigError, type StageOptions } from '../stage-options.js';

export interface Selector {
  readonly matchers: readonly CompiledMatcher[];
  readonly filters: readonly LineFilter[];
}

/** Parses `{app="x"} |= "err"`: a stream selector and line filters, nothing else. */
export function parseMatchSelector(text: string): Selector {
  let expr: ReturnType<typeof parseLogSelector>;
  try {
    expr = parseLogSelector(text, { validate: false });
  } catch (err) {
    throw new StageConfigError(`invalid selector syntax for match stage: ${(err as Error).message}`);
  }
  const filters: LineFilter[] = [];
  for (const stage of expr.stages) {
    if (stage.kind !== 'line_filter') {
      throw new StageConfigError(
        'invalid selector syntax for match stage: only line filters (|=, !=, |~, !~) may follow the selector',
      );
    }
    try {
      filters.push(compileLineFilter({ op: stage.op, values: stage.values }));
    } catch (err) {
      throw new StageConfigError(`invalid selector syntax for match stage: ${(err as Error).message}`);
    }
  }
  return { matchers: expr.matchers.map((m) => compileMatcher(m)), filters };
}

export function selectorMatches(selector: Selector, entry: LogEntry): boolean {
  for (const m of selector.matchers) {
    if (!m.matches(entry.labels.get(m.name) ?? '')) return false;
  }
  if (selector.filters.length === 0) return true;
  const line = entry.line;
  for (const f of selector.filters) if (!f.matchBytes(line, 0, line.length)) return false;
  return true;
}

export interface MatchOptions {
  readonly selector: Selector;
  readonly action: 'keep' | 'drop';
  readonly dropReason: string;
}

export class MatchStage implements Stage {
  readonly name = 'match';

  constructor(
    private readonly ctx: StageContext,
    private readonly options: MatchOptions,
    private readonly nested: Pipeline | undefined,
  ) {}

  /**
   * Reads and checks the options. The caller builds the nested `stages`
   * (for `action: keep`) into a pipeline, named `<job>_<pipeline_name>`.
   */
  static readOptions(
    ctx: StageContext,
    opts: StageOptions,
  ): { options: MatchOptions; stages: ConfigNode | undefined; jobName: string | undefined } {
    const pipelineName = opts.string('pipeline_name');
    const selectorText = opts.string('selector') ?? '';
    const stagesNode = opts.raw('stages');
    const action = opts.string('action') || 'keep';
    const dropReason = opts.string('drop_counter_reason') || 'match_stage';
    opts.finish();
    if (opts.empty) throw new StageConfigError('match stage config cannot be empty');
    if (pipelineName === '') {
      throw new StageConfigError('match stage pipeline name can be omitted but cannot be an empty string');
    }
    if (!selectorText) throw new StageConfigError('selector statement required for match stage');
    if (action !== 'keep' && action !== 'drop')
      throw new StageConfigError("match stage action should be 'keep' or 'drop'");
    const hasStages = stagesNode !== undefined && stagesNode.kind === 'seq' && stagesNode.items().length > 0;
    if (action === 'keep' && !hasStages) {
      throw new StageConfigError("match stage requires at least one additional stage to be defined in '- stages'");
    }
    if (action === 'drop' && hasStages) {
      throw new StageConfigError('match stage configured to drop entries cannot contains stages');
    }
    const selector = parseMatchSelector(selectorText);
    const jobName =
      pipelineName !== undefined && ctx.jobName !== undefined ? `${ctx.jobName}_${pipelineName}` : undefined;
    return { options: { selector, action, dropReason }, stages: action === 'keep' ? stagesNode : undefined, jobName };
  }

  process(entry: LogEntry, next: Emit): void {
    if (!selectorMatches(this.options.selector, entry)) {
      next(entry);
      return;
    }
    if (this.options.action === 'drop') {
      dropEntry(this.ctx, entry, this.options.dropReason);
      return;
    }
    this.nested!.process(entry, next);
  }

  flush(next: Emit): void {
    this.nested?.flush(next);
  }

  close(): void {
    this.nested?.close();
  }
}
