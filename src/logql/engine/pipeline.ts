// Turns the pipeline stages of a parsed query into the per-line machinery of
// src/logql/log: a log pipeline for log queries, a sample extractor for metric
// queries (unwrap, byte sizes, and grouping pushed down into extraction).
import { compileLineFilter } from '../filter/index.js';
import {
  compilePipeline as compileLogPipeline,
  compileSampleExtractor,
  type GroupingOptions,
  type LabelFilterExpr as LogLabelFilter,
  type NamedLabelMatcher as LogNamedMatcher,
  type PipelineDeps,
  type SampleOptions,
  type StageOptions,
} from '../log/index.js';
import type { Grouping, LabelFilterExpr, NamedLabelMatcher, Stage, Unwrap } from '../syntax/ast.js';
import { compileTemplate, lokiFunctions } from '../template/index.js';
import type { EntryPipeline, PipelineCompiler, PipelineOutput } from './log-query.js';

const deps: PipelineDeps = {
  compileTemplate: (text, name) => compileTemplate(text, { name, functions: lokiFunctions }),
};

function labelFilter(f: LabelFilterExpr): LogLabelFilter {
  switch (f.type) {
    case 'and':
    case 'or':
      return { kind: f.type, left: labelFilter(f.left), right: labelFilter(f.right) };
    case 'string':
      return { kind: 'string', name: f.matcher.name, op: f.matcher.op, value: f.matcher.value };
    case 'number':
      return { kind: 'number', name: f.name, op: f.op, value: f.value };
    case 'duration':
      return { kind: 'duration', name: f.name, op: f.op, value: f.ns };
    case 'bytes':
      return { kind: 'bytes', name: f.name, op: f.op, value: f.bytes };
    case 'ip':
      return { kind: 'ip', name: f.name, op: f.op, pattern: f.value };
  }
}

function namedMatcher(m: NamedLabelMatcher): LogNamedMatcher {
  return m.matcher ? { name: m.name, op: m.matcher.op, value: m.matcher.value } : { name: m.name };
}

/** The options of each stage, one to one. */
export function stageOptions(stages: readonly Stage[]): StageOptions[] {
  return stages.map((s): StageOptions => {
    switch (s.kind) {
      case 'line_filter':
        return { kind: 'lineFilter', matcher: compileLineFilter({ op: s.op, values: s.values }) };
      case 'parser': {
        const params = s.params.length > 0 ? s.params.map((p) => ({ label: p.label, expression: p.expr })) : undefined;
        switch (s.parser) {
          case 'json':
            return { kind: 'json', params };
          case 'logfmt':
            return { kind: 'logfmt', strict: s.strict, keepEmpty: s.keepEmpty, params };
          case 'regexp':
            return { kind: 'regexp', pattern: s.pattern ?? '' };
          case 'pattern':
            return { kind: 'pattern', pattern: s.pattern ?? '' };
          case 'unpack':
            return { kind: 'unpack' };
        }
        break;
      }
      case 'label_filter':
        return { kind: 'labelFilter', filter: labelFilter(s.filter) };
      case 'line_format':
        return { kind: 'lineFormat', template: s.template };
      case 'label_format':
        return {
          kind: 'labelFormat',
          ops: s.ops.map((o) =>
            o.template !== undefined
              ? { kind: 'template', dst: o.dst, template: o.template }
              : { kind: 'rename', dst: o.dst, src: o.src ?? '' },
          ),
        };
      case 'decolorize':
        return { kind: 'decolorize' };
      case 'drop':
        return { kind: 'drop', labels: s.labels.map(namedMatcher) };
      case 'keep':
        return { kind: 'keep', labels: s.labels.map(namedMatcher) };
    }
    throw new Error(`unknown pipeline stage ${(s as Stage).kind}`);
  });
}

/** What a metric query takes from each line. */
export function sampleOptions(op: string, unwrap: Unwrap | undefined): SampleOptions {
  if (unwrap) {
    return {
      kind: 'unwrap',
      label: unwrap.label,
      conversion: unwrap.conversion === '' ? 'float' : unwrap.conversion,
      postFilters: unwrap.postFilters.map(labelFilter),
    };
  }
  return op === 'bytes_over_time' || op === 'bytes_rate' ? { kind: 'bytes' } : { kind: 'count' };
}

function groupingOptions(g: Grouping | undefined): GroupingOptions | undefined {
  if (!g) return undefined;
  return { labels: g.labels, without: g.without, noLabels: !g.without && g.labels.length === 0 };
}

/** Log pipelines for log queries; with an unwrap or grouping, sample extraction for metric queries. */
export function createPipelineCompiler(): PipelineCompiler {
  return (stages, unwrap, sample): EntryPipeline => {
    if (sample) {
      const extractor = compileSampleExtractor(
        {
          stages: stageOptions(stages),
          sample: sampleOptions(sample.op, unwrap),
          grouping: groupingOptions(sample.grouping),
        },
        deps,
      );
      return {
        forStream(labels) {
          const s = extractor.forStream(labels);
          const out: PipelineOutput = { line: '', key: '', labels: [], value: 0 };
          return {
            process(baseNs, offsetNs, line, metadata) {
              if (!s.process(line, baseNs, metadata.length > 0 ? metadata : null, offsetNs)) return null;
              const r = s.labels();
              out.key = r.key;
              out.labels = r.labels;
              out.value = s.value;
              return out;
            },
          };
        },
      };
    }
    const pipeline = compileLogPipeline(stageOptions(stages), deps);
    return {
      forStream(labels) {
        const p = pipeline.forStream(labels);
        const out: PipelineOutput = { line: '', key: '', labels: [] };
        return {
          process(baseNs, offsetNs, line, metadata) {
            if (!p.process(line, baseNs, metadata.length > 0 ? metadata : null, offsetNs)) return null;
            const r = p.labels();
            out.line = p.line;
            out.key = r.key;
            out.labels = r.labels;
            // The interned result itself: its categories are computed only if read.
            out.categories = r;
            return out;
          },
        };
      },
    };
  };
}
