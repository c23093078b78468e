// Sample extraction for metric queries: the pipeline runs on each line, then
// the line yields one sample, either 1 (count), its size (bytes) or the value
// of a label (`| unwrap`). Labels are reduced to the aggregation's grouping
// here, as Loki pushes `by`/`without` down into extraction; an errored sample
// keeps all its labels so the engine can report (or keep) the error.
import { type Labels, labelsToString, sortLabels } from '../../util/labels.js';
import { compileStages, ipMatcherOf, type PipelineDeps } from './compile-stages.js';
import { SAMPLE_EXTRACTION_ERR } from './errors.js';
import { durationToSeconds, parseGoDuration } from './go-duration.js';
import { parseGoFloat } from './go-float.js';
import { parseHumanBytes } from './human-bytes.js';
import { compileLabelFilter, type LabelFilter } from './label-filter.js';
import type { LabelSlot } from './label-slot.js';
import { type Grouping, LabelsBuilder, type StreamLabels } from './labels-builder.js';
import type { LabelsResult } from './labels-result.js';
import type { GroupingOptions, SampleOptions, StageOptions } from './options.js';
import { buildParserHints } from './parser-hints.js';
import type { Stage } from './stage.js';

export interface SampleExtractorOptions {
  readonly stages: readonly StageOptions[];
  readonly sample: SampleOptions;
  /** The grouping pushed down from the aggregation, if any. */
  readonly grouping?: GroupingOptions;
}

export interface StreamSampleExtractor {
  readonly streamLabels: LabelsResult;
  /**
   * Runs one line; true when it yields a sample, whose value and labels are
   * then available until the next call on any stream of the same extractor.
   */
  process(line: string, timestampNs: bigint, structuredMetadata?: Labels | null, timestampOffsetNs?: number): boolean;
  readonly value: number;
  /** The sample's labels after grouping (all labels, errors included, when it has an error). */
  labels(): LabelsResult;
  readonly error: string;
  readonly errorDetails: string;
}

export interface SampleExtractor {
  forStream(labels: Labels): StreamSampleExtractor;
  readonly referencedStructuredMetadata: boolean;
  reset(): void;
}

type Conversion = (value: string) => number | string;

const CONVERSIONS: Record<'float' | 'duration' | 'duration_seconds' | 'bytes', Conversion> = {
  float: parseGoFloat,
  duration: seconds,
  duration_seconds: seconds,
  bytes: parseHumanBytes,
};

function seconds(value: string): number | string {
  const ns = parseGoDuration(value);
  return typeof ns === 'string' ? ns : durationToSeconds(ns);
}

/** Compiles a sample extractor; throws StageCompileError when a stage is invalid. */
export function compileSampleExtractor(options: SampleExtractorOptions, deps: PipelineDeps = {}): SampleExtractor {
  const lb = new LabelsBuilder();
  const compiled = compileStages(options.stages, lb, deps);
  const sample = options.sample;
  let groups = options.grouping?.labels ?? [];
  let without = options.grouping?.without ?? false;
  const noLabels = options.grouping?.noLabels ?? false;

  let unwrap: Unwrap | null = null;
  let stageLabels = compiled.labelNames;
  if (sample.kind === 'unwrap') {
    const postFilters = (sample.postFilters ?? []).map((f) => compileLabelFilter(f, lb, ipMatcherOf(deps)));
    if (stageLabels !== null) stageLabels = [...stageLabels, ...postFilters.flatMap((f) => f.labelNames)];
    // Without an explicit `by`, the unwrapped label itself is not part of the series.
    if (groups.length === 0 || without) {
      without = true;
      groups = [...groups, sample.label];
    }
    unwrap = {
      slot: lb.permanentSlot(sample.label),
      convert: CONVERSIONS[sample.conversion ?? 'float'],
      postFilters,
      float: (sample.conversion ?? 'float') === 'float',
    };
  }
  lb.applyHints(
    buildParserHints({
      stageLabels,
      groups,
      without,
      noLabels,
      ...(sample.kind === 'unwrap' ? { unwrapLabel: sample.label } : {}),
    }),
  );
  const grouping = lb.grouping(groups, without, noLabels);
  return new SampleExtractorImpl(lb, compiled.stages, sample.kind, unwrap, grouping);
}

interface Unwrap {
  readonly slot: LabelSlot;
  readonly convert: Conversion;
  readonly postFilters: readonly LabelFilter[];
  /** A plain float conversion (its range errors carry ±Inf). */
  readonly float: boolean;
}

class SampleExtractorImpl implements SampleExtractor {
  private readonly streams = new Map<string, StreamSampleExtractorImpl>();

  constructor(
    private readonly lb: LabelsBuilder,
    private readonly stages: readonly Stage[],
    private readonly kind: SampleOptions['kind'],
    private readonly unwrap: Unwrap | null,
    private readonly grouping: Grouping,
  ) {}

  get referencedStructuredMetadata(): boolean {
    return this.lb.referencedStructuredMetadata;
  }

  forStream(labels: Labels): StreamSampleExtractor {
    const key = labelsToString(sortLabels([...labels]));
    const known = this.streams.get(key);
    if (known !== undefined) return known;
    const created = new StreamSampleExtractorImpl(
      this.lb,
      this.lb.registerStream(labels),
      this.stages,
      this.kind,
      this.unwrap,
      this.grouping,
    );
    this.streams.set(key, created);
    return created;
  }

  reset(): void {
    this.streams.clear();
    this.lb.clearCaches();
  }
}

class StreamSampleExtractorImpl implements StreamSampleExtractor {
  value = 0;

  constructor(
    private readonly lb: LabelsBuilder,
    private readonly stream: StreamLabels,
    private readonly stages: readonly Stage[],
    private readonly kind: SampleOptions['kind'],
    private readonly unwrap: Unwrap | null,
    private readonly grouping: Grouping,
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
    const unwrap = this.unwrap;
    if (unwrap === null) {
      this.value = this.kind === 'bytes' ? Buffer.byteLength(line, 'utf8') : 1;
      return true;
    }
    const raw = lb.get(unwrap.slot);
    // A line without the label yields no sample (it is not an error).
    if (raw === undefined || raw === '') return false;
    const v = unwrap.convert(raw);
    if (typeof v === 'string') {
      lb.setError(SAMPLE_EXTRACTION_ERR, v);
      this.value = unwrap.float ? rangeErrorValue(raw, v) : 0;
    } else {
      this.value = v;
    }
    for (const f of unwrap.postFilters) if (!f.test(lb)) return false;
    return true;
  }

  labels(): LabelsResult {
    return this.lb.groupedLabels(this.grouping);
  }

  get error(): string {
    return this.lb.error;
  }

  get errorDetails(): string {
    return this.lb.errorDetails;
  }
}

/** Go's ParseFloat returns ±Inf alongside a range error, and Loki keeps that value. */
function rangeErrorValue(raw: string, error: string): number {
  if (!error.endsWith('value out of range')) return 0;
  return raw.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}
