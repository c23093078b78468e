// Log pipelines: what a log query applies to every line of every stream.
//
// A Pipeline is compiled once per query; forStream() prepares it for one
// stream; process() runs one line and leaves its result (line, labels, error)
// on the StreamPipeline. All streams of a pipeline share one labels builder,
// so a result must be read before the next line of any stream is processed.
import { type Labels, labelsToString, sortLabels } from '../../util/labels.js';
import { type CompiledStages, compileStages, type PipelineDeps } from './compile-stages.js';
import { LabelsBuilder, type StreamLabels } from './labels-builder.js';
import type { LabelsResult } from './labels-result.js';
import type { StageOptions } from './options.js';
import type { Stage } from './stage.js';

export interface StreamPipeline {
  /** The stream's own labels, as a result (what an unchanged line gets). */
  readonly streamLabels: LabelsResult;
  /**
   * Runs one line. Returns false when a stage dropped it; otherwise the
   * resulting line and labels are available until the next call on any
   * stream of the same pipeline. The timestamp is `timestampNs +
   * timestampOffsetNs`, combined only if a template reads it.
   */
  process(line: string, timestampNs: bigint, structuredMetadata?: Labels | null, timestampOffsetNs?: number): boolean;
  /** The line after the pipeline (the input string itself when no stage changed it). */
  readonly line: string;
  /** The line's labels, sorted and categorised; interned, so equal sets are usually the same object. */
  labels(): LabelsResult;
  /** `__error__` of the processed line ("" when none). */
  readonly error: string;
  readonly errorDetails: string;
}

export interface Pipeline {
  forStream(labels: Labels): StreamPipeline;
  /** The pipeline has no stages: lines and labels pass unchanged. */
  readonly isNoop: boolean;
  /** A stage read a structured metadata label. */
  readonly referencedStructuredMetadata: boolean;
  /** Forgets per-stream state and interned results (between queries that reuse a pipeline). */
  reset(): void;
}

/** Compiles a log pipeline; throws StageCompileError when a stage is invalid. */
export function compilePipeline(stages: readonly StageOptions[], deps: PipelineDeps = {}): Pipeline {
  const lb = new LabelsBuilder();
  const compiled = compileStages(stages, lb, deps);
  return new PipelineImpl(lb, compiled);
}

class PipelineImpl implements Pipeline {
  private readonly streams = new Map<string, StreamPipelineImpl>();

  constructor(
    private readonly lb: LabelsBuilder,
    private readonly compiled: CompiledStages,
  ) {}

  get isNoop(): boolean {
    return this.compiled.stages.length === 0;
  }

  get referencedStructuredMetadata(): boolean {
    return this.lb.referencedStructuredMetadata;
  }

  forStream(labels: Labels): StreamPipeline {
    const key = streamKey(labels);
    const known = this.streams.get(key);
    if (known !== undefined) return known;
    const created = new StreamPipelineImpl(this.lb, this.lb.registerStream(labels), this.compiled.stages);
    this.streams.set(key, created);
    return created;
  }

  reset(): void {
    this.streams.clear();
    this.lb.clearCaches();
  }
}

class StreamPipelineImpl implements StreamPipeline {
  line = '';

  constructor(
    private readonly lb: LabelsBuilder,
    private readonly stream: StreamLabels,
    private readonly stages: readonly Stage[],
  ) {}

  get streamLabels(): LabelsResult {
    return this.stream.result;
  }

  process(line: string, timestampNs: bigint, structuredMetadata?: Labels | null, timestampOffsetNs = 0): boolean {
    const lb = this.lb;
    lb.beginLine(this.stream, timestampNs, timestampOffsetNs);
    if (structuredMetadata != null && structuredMetadata.length > 0) lb.addStructuredMetadata(structuredMetadata);
    const stages = this.stages;
    for (let i = 0; i < stages.length; i++) {
      const next = stages[i]!.process(line, lb);
      if (next === null) return false;
      line = next;
    }
    this.line = line;
    return true;
  }

  labels(): LabelsResult {
    return this.lb.labelsResult();
  }

  get error(): string {
    return this.lb.error;
  }

  get errorDetails(): string {
    return this.lb.errorDetails;
  }
}

/** The canonical key of a stream's labels, whatever their order. */
export function streamKey(labels: Labels): string {
  return labelsToString(sortLabels([...labels]));
}
