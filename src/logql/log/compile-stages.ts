// Turns stage options into stages for one labels builder: Loki's reordering
// of line filters, construction of each stage, the labels the stages read
// (for parser hints) and the filters parsers may apply as they go.

import { compileIpMatcher } from '../filter/ip.js';
import { StageCompileError } from './errors.js';
import { DecolorizeStage, DropStage, KeepStage, LabelFormatStage, LineFormatStage } from './format-stages.js';
import { JsonExpressionParserStage } from './json-expression-parser.js';
import { JsonParserStage } from './json-parser.js';
import { type CompileIpMatcher, compileLabelFilter, conjuncts, LabelFilterStage } from './label-filter.js';
import type { EarlyCheck } from './label-slot.js';
import type { LabelsBuilder } from './labels-builder.js';
import { LogfmtExpressionParserStage, LogfmtParserStage } from './logfmt-parser.js';
import type { LabelFilterExpr, StageOptions } from './options.js';
import { PatternParserStage } from './pattern-parser.js';
import { RegexpParserStage } from './regexp-parser.js';
import type { LineMatcher, Stage } from './stage.js';
import type { CompileTemplate } from './template.js';
import { UnpackParserStage } from './unpack-parser.js';

/** Services a pipeline needs from other components, injected by the engine. */
export interface PipelineDeps {
  /** Go templates for line_format / label_format; without it those stages cannot be built. */
  readonly compileTemplate?: CompileTemplate;
  /** `ip("...")` label filters; defaults to the line filter package's matcher. */
  readonly compileIpMatcher?: CompileIpMatcher;
}

/**
 * Loki's stage reordering: line filters run before the stages around them
 * (parsers included, since they do not change the line) but never move past
 * a label filter, a line_format or an unpack, which the filter's result may
 * depend on. Consecutive line filters end up next to each other.
 */
export function reorderStages(stages: readonly StageOptions[]): StageOptions[] {
  const result: StageOptions[] = [];
  let lineFilters: StageOptions[] = [];
  let others: StageOptions[] = [];
  const flush = (): void => {
    result.push(...lineFilters, ...others);
    lineFilters = [];
    others = [];
  };
  for (const s of stages) {
    switch (s.kind) {
      case 'labelFilter':
        flush();
        result.push(s);
        break;
      case 'lineFilter':
        lineFilters.push(s);
        break;
      case 'lineFormat':
        others.push(s);
        flush();
        break;
      case 'unpack':
        others.push(s);
        flush();
        break;
      default:
        others.push(s);
    }
  }
  flush();
  return result;
}

/** Consecutive line filters, applied as one stage. */
class LineFilterStage implements Stage {
  constructor(private readonly matchers: readonly LineMatcher[]) {}

  process(line: string): string | null {
    for (const m of this.matchers) if (!m.matchString(line)) return null;
    return line;
  }
}

export interface CompiledStages {
  readonly stages: Stage[];
  /** The labels the stages read (Loki's RequiredLabelNames); null when a template's are unknown. */
  readonly labelNames: string[] | null;
}

/** Stages whose labels are set once per line, so a filter may be checked when they set it. */
const FIRST_WINS_PARSERS = new Set(['json', 'logfmt', 'regexp', 'pattern', 'unpack']);

export function compileStages(options: readonly StageOptions[], lb: LabelsBuilder, deps: PipelineDeps): CompiledStages {
  const ordered = reorderStages(options);
  const stages: Stage[] = [];
  const labelNames: string[] = [];
  let namesKnown = true;
  for (let i = 0; i < ordered.length; i++) {
    const opt = ordered[i]!;
    if (opt.kind === 'lineFilter') {
      const matchers: LineMatcher[] = [opt.matcher];
      while (i + 1 < ordered.length && ordered[i + 1]!.kind === 'lineFilter') {
        matchers.push((ordered[++i] as { matcher: LineMatcher }).matcher);
      }
      stages.push(new LineFilterStage(matchers));
      continue;
    }
    const index = stages.length;
    switch (opt.kind) {
      case 'json':
        stages.push(
          opt.params !== undefined && opt.params.length > 0
            ? new JsonExpressionParserStage(lb, opt.params)
            : new JsonParserStage(lb, index),
        );
        break;
      case 'logfmt':
        stages.push(
          opt.params !== undefined && opt.params.length > 0
            ? new LogfmtExpressionParserStage(lb, opt.params, opt.strict === true)
            : new LogfmtParserStage(lb, { strict: opt.strict === true, keepEmpty: opt.keepEmpty === true }, index),
        );
        break;
      case 'regexp':
        stages.push(new RegexpParserStage(lb, opt.pattern, index));
        break;
      case 'pattern':
        stages.push(new PatternParserStage(lb, opt.pattern, index));
        break;
      case 'unpack':
        stages.push(new UnpackParserStage(lb, index));
        break;
      case 'labelFilter': {
        const filter = compileLabelFilter(opt.filter, lb, ipMatcherOf(deps));
        labelNames.push(...filter.labelNames);
        stages.push(new LabelFilterStage(filter));
        break;
      }
      case 'lineFormat': {
        if (deps.compileTemplate === undefined) throw new StageCompileError('templates are not available');
        const stage = new LineFormatStage(opt.template, deps.compileTemplate, lb);
        if (stage.referencedFields === null) namesKnown = false;
        else labelNames.push(...stage.referencedFields);
        stages.push(stage);
        break;
      }
      case 'labelFormat': {
        const stage = new LabelFormatStage(opt.ops, deps.compileTemplate, lb);
        if (stage.referencedFields === null) namesKnown = false;
        else labelNames.push(...stage.referencedFields);
        stages.push(stage);
        break;
      }
      case 'drop':
        stages.push(new DropStage(opt.labels, lb));
        break;
      case 'keep':
        stages.push(new KeepStage(opt.labels, lb));
        break;
      case 'decolorize':
        stages.push(new DecolorizeStage());
        break;
    }
    if (FIRST_WINS_PARSERS.has(opt.kind) && !hasParams(opt)) {
      installEarlyChecks(ordered, i + 1, index, lb, deps);
    }
  }
  return { stages, labelNames: namesKnown ? [...new Set(labelNames)] : null };
}

function hasParams(opt: StageOptions): boolean {
  return (opt.kind === 'json' || opt.kind === 'logfmt') && opt.params !== undefined && opt.params.length > 0;
}

/**
 * Lets the parser at `stageIndex` drop a line as soon as it sets a label that
 * a following filter rejects, instead of parsing the rest of the line. Only
 * the run of label and line filters right after the parser is used: nothing
 * there can change a label the parser set (parsers never overwrite), each
 * single-label condition is a pure function of that value, and any failing
 * condition drops the line whatever the other stages do. Conditions on
 * `__error__` and ip filters are left out, as they depend on later errors.
 */
function installEarlyChecks(
  ordered: readonly StageOptions[],
  from: number,
  stageIndex: number,
  lb: LabelsBuilder,
  deps: PipelineDeps,
): void {
  for (let j = from; j < ordered.length; j++) {
    const opt = ordered[j]!;
    if (opt.kind === 'lineFilter') continue;
    if (opt.kind !== 'labelFilter') return;
    for (const part of conjuncts(opt.filter)) addEarlyCheck(part, stageIndex, lb, deps);
  }
}

function addEarlyCheck(part: LabelFilterExpr, stageIndex: number, lb: LabelsBuilder, deps: PipelineDeps): void {
  const filter = compileLabelFilter(part, lb, ipMatcherOf(deps));
  const check = filter.valueCheck;
  if (check === null || filter.labelNames.length !== 1) return;
  const slot = lb.permanentSlot(filter.labelNames[0]!);
  if (slot.earlyChecks === null) slot.earlyChecks = [];
  const existing: EarlyCheck | undefined = slot.earlyChecks[stageIndex];
  slot.earlyChecks[stageIndex] = existing === undefined ? check : (v) => existing(v) && check(v);
}

export function ipMatcherOf(deps: PipelineDeps): CompileIpMatcher {
  return deps.compileIpMatcher ?? compileIpMatcher;
}
