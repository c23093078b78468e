// Compiles the per-line part of a log pipeline (everything after the leading
// line filters) into an EntryPipeline for the log and metric query paths.
import { HttpError } from '../../server/http-error.js';
import { compileLineFilter } from '../filter/index.js';
import type { Stage } from '../syntax/ast.js';
import type { EntryPipeline, PipelineCompiler, PipelineOutput } from './log-query.js';

export function createPipelineCompiler(): PipelineCompiler {
  return (stages: readonly Stage[]): EntryPipeline => {
    const filters = stages.map((s) => {
      if (s.kind !== 'line_filter') throw new HttpError(501, `pipeline stage ${s.kind} is not supported yet`);
      return compileLineFilter({ op: s.op, values: s.values });
    });
    return {
      forStream(labels, key) {
        const out: PipelineOutput = { line: '', key, labels };
        return {
          process(_ts, line) {
            for (const f of filters) if (!f.matchString(line)) return null;
            out.line = line;
            return out;
          },
        };
      },
    };
  };
}
