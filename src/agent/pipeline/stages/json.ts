// `json`: decodes the line (or an extracted value) as a JSON object and
// extracts the results of JMESPath expressions. Strings, numbers, booleans
// and null are extracted as they are; arrays and objects as their JSON text.

import type { LogEntry } from '../entry.js';
import { goJsonMarshal } from '../go-json.js';
import { compileJmespath, type JmespathExpression } from '../jmespath/index.js';
import { dropEntry, type Emit, type Stage, type StageContext } from '../stage.js';
import { StageConfigError, type StageOptions } from '../stage-options.js';
import { readSource, sourceText } from './source.js';

function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class JsonStage implements Stage {
  readonly name = 'json';

  constructor(
    private readonly ctx: StageContext,
    private readonly expressions: ReadonlyArray<readonly [name: string, expr: JmespathExpression]>,
    private readonly source: string | undefined,
    private readonly dropMalformed: boolean,
  ) {}

  static fromOptions(ctx: StageContext, opts: StageOptions): JsonStage {
    const expressions = opts.stringMap('expressions');
    const source = readSource(opts);
    const dropMalformed = opts.bool('drop_malformed') ?? false;
    opts.finish();
    if (!expressions || expressions.size === 0) throw new StageConfigError('JMES expression is required');
    const compiled: Array<[string, JmespathExpression]> = [];
    for (const [name, expr] of expressions) {
      try {
        compiled.push([name, compileJmespath(expr || name)]);
      } catch (err) {
        throw new StageConfigError(`could not compile JMES expression: ${(err as Error).message}`);
      }
    }
    return new JsonStage(ctx, compiled, source, dropMalformed);
  }

  /** Extracts into the entry; false when the input is not a JSON object. */
  extract(entry: LogEntry): boolean {
    const input = sourceText(entry, this.source);
    if (input === undefined) return true;
    let data: unknown;
    try {
      data = JSON.parse(input);
    } catch {
      return false;
    }
    if (!isJsonObject(data)) return false;
    const extracted = entry.extracted();
    for (const [name, expr] of this.expressions) {
      let result: unknown;
      try {
        result = expr.search(data);
      } catch {
        continue;
      }
      if (result === undefined || result === null) extracted.set(name, null);
      else if (typeof result === 'object') extracted.set(name, goJsonMarshal(result));
      else extracted.set(name, result);
    }
    return true;
  }

  process(entry: LogEntry, next: Emit): void {
    if (!this.extract(entry) && this.dropMalformed) {
      dropEntry(this.ctx, entry, 'malformed_json');
      return;
    }
    next(entry);
  }
}
