// The newest lines of a log query with their labels kept apart by category
// (stream labels, structured metadata, labels the query's parsers extracted),
// which is what field detection reads. Loki gets this by running the query
// with the `categorize-labels` encoding; here the query runs through the
// engine's log query executor with a pipeline compiler that records each
// output's categories.
import { type EntryPipeline, executeLogQuery, type PipelineOutput } from '../../logql/engine/log-query.js';
import { stageOptions } from '../../logql/engine/pipeline.js';
import { QueryStats } from '../../logql/engine/stats.js';
import { compilePipeline, type LabelsResult, type PipelineDeps } from '../../logql/log/index.js';
import type { LogSelectorExpr, Stage } from '../../logql/syntax/index.js';
import { compileTemplate, lokiFunctions } from '../../logql/template/index.js';
import { labelsToString } from '../../util/labels.js';
import type { SourceDeps } from '../sources.js';
import type { SampledEntry } from './field-detector.js';

export interface LogSampleRequest {
  tenant: string;
  selector: LogSelectorExpr;
  startNs: bigint;
  /** Exclusive. */
  endNs: bigint;
  /** How many of the newest lines to read. */
  limit: number;
}

interface Categories {
  stream: SampledEntry['stream'];
  structuredMetadata: SampledEntry['structuredMetadata'];
  parsed: SampledEntry['parsed'];
}

const templateDeps: PipelineDeps = {
  compileTemplate: (text, name) => compileTemplate(text, { name, functions: lokiFunctions }),
};

/**
 * The executor only hands stages after the leading line filters to the
 * pipeline compiler, and none at all when there are no such stages. A marker
 * stage appended to the query guarantees the compiler is always called (so
 * every line gets categorised labels); the compiler removes it again.
 */
function withMarker(selector: LogSelectorExpr): { selector: LogSelectorExpr; marker: Stage } {
  const marker: Stage = { kind: 'decolorize', pos: selector.pos };
  return { selector: { ...selector, stages: [...selector.stages, marker] }, marker };
}

/** A pipeline compiler whose output keys identify the categorised label sets recorded in `seen`. */
function categorisingCompiler(marker: Stage, seen: Map<string, Categories>) {
  const keys = new WeakMap<LabelsResult, string>();
  const keyOf = (r: LabelsResult): string => {
    let key = keys.get(r);
    if (key === undefined) {
      const categories: Categories = { stream: r.stream, structuredMetadata: r.structuredMetadata, parsed: r.parsed };
      key = `${labelsToString(categories.stream)}\u0000${labelsToString(categories.structuredMetadata)}\u0000${labelsToString(categories.parsed)}`;
      keys.set(r, key);
      if (!seen.has(key)) seen.set(key, categories);
    }
    return key;
  };
  return (stages: readonly Stage[]): EntryPipeline => {
    const real = stages[stages.length - 1] === marker ? stages.slice(0, -1) : stages;
    const pipeline = compilePipeline(stageOptions(real), templateDeps);
    return {
      forStream(labels) {
        const p = pipeline.forStream(labels);
        const out: PipelineOutput = { line: '', key: '', labels: [] };
        return {
          process(baseNs, offsetNs, line, metadata) {
            if (!p.process(line, baseNs, metadata.length > 0 ? metadata : null, offsetNs)) return null;
            const r = p.labels();
            out.line = p.line;
            out.key = keyOf(r);
            out.labels = r.labels;
            return out;
          },
        };
      },
    };
  };
}

/**
 * The newest `limit` entries of the query in [start, end), grouped by output
 * stream, newest first within each group.
 */
export async function sampleNewestEntries(
  req: LogSampleRequest,
  sources: SourceDeps,
  signal?: AbortSignal,
): Promise<SampledEntry[][]> {
  const { selector, marker } = withMarker(req.selector);
  const seen = new Map<string, Categories>();
  const streams = await executeLogQuery(
    { tenant: req.tenant, selector, startNs: req.startNs, endNs: req.endNs, limit: req.limit, direction: 'backward' },
    { sources, stats: new QueryStats(), signal, compilePipeline: categorisingCompiler(marker, seen) },
  );
  return streams.map((s) => {
    const categories = seen.get(s.key)!;
    return s.entries.map((e) => ({ line: e.line, ...categories }));
  });
}
