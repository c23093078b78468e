// The query of a delete request: a log selector, optionally with a pipeline
// (line filters, parsers, label filters) that picks the lines to delete, read
// and applied the way Loki's deletion package does. A request without filters
// deletes every line of the matching streams in its time range, so chunks it
// covers entirely are dropped whole instead of being rewritten.

import type { EntryPipeline } from '../logql/engine/log-query.js';
import { createPipelineCompiler } from '../logql/engine/pipeline.js';
import { type LogSelectorExpr, parseLogSelector } from '../logql/syntax/index.js';
import type { Label, Labels } from '../util/labels.js';
import { labelsToString } from '../util/labels.js';
import { type CompiledMatcher, compileMatcher } from '../util/matchers.js';

/** Loki's answer to any query it cannot use for deletion. */
export const INVALID_QUERY = 'invalid query expression';

export class InvalidDeleteQueryError extends Error {
  override name = 'InvalidDeleteQueryError';
  constructor() {
    super(INVALID_QUERY);
  }
}

/** Parses a delete query without Loki's selector checks (any log selector is accepted). */
export function parseDeleteQuery(query: string): LogSelectorExpr {
  try {
    return parseLogSelector(query, { validate: false });
  } catch {
    throw new InvalidDeleteQueryError();
  }
}

/**
 * Loki's LogSelectorExpr.HasFilter: whether a stage can drop lines. A line
 * filter that keeps everything (`|= ""`, `|~ ""`) does not count.
 */
export function hasFilter(expr: LogSelectorExpr): boolean {
  for (const s of expr.stages) {
    if (s.kind === 'label_filter') return true;
    if (s.kind === 'line_filter') {
      if ((s.op !== '|=' && s.op !== '|~') || s.values.some((v) => v.value !== '')) return true;
    }
  }
  return false;
}

/** Whether a line (time `baseNs + offsetNs`) is to be deleted. */
export type LineFilter = (baseNs: bigint, offsetNs: number, line: string, metadata: readonly Label[]) => boolean;

/** What a request does to one chunk: nothing, delete it whole, or delete the lines a filter picks. */
export type ChunkVerdict = { kind: 'keep' } | { kind: 'all' } | { kind: 'filter'; filter: LineFilter };

const KEEP: ChunkVerdict = { kind: 'keep' };
const ALL: ChunkVerdict = { kind: 'all' };

let sharedCompiler: ReturnType<typeof createPipelineCompiler> | undefined;

/** A delete query ready to be matched against streams and chunks. */
export class DeleteMatcher {
  readonly matchers: CompiledMatcher[];
  readonly hasFilter: boolean;
  private readonly expr: LogSelectorExpr;
  private pipeline: EntryPipeline | null | undefined;
  private readonly startNs: bigint;
  private readonly endNs: bigint;

  constructor(
    readonly query: string,
    /** The request's time range in ms, both ends inclusive. */
    readonly startMs: number,
    readonly endMs: number,
    /** Called for each line the request deletes (Loki's deleted-lines counter). */
    private readonly onDeletedLine: () => void = () => undefined,
  ) {
    this.expr = parseDeleteQuery(query);
    this.matchers = this.expr.matchers.map((m) => compileMatcher(m));
    this.hasFilter = hasFilter(this.expr);
    this.startNs = BigInt(startMs) * 1_000_000n;
    this.endNs = BigInt(endMs) * 1_000_000n;
  }

  /** Whether the selector matches a stream's labels. */
  matchesStream(labels: Labels): boolean {
    return this.matchers.every((m) => m.matches(labelValue(labels, m.name)));
  }

  /** Loki's deleteRequest.GetChunkFilter for a chunk of a matching tenant. */
  verdict(labels: Labels, fromMs: number, throughMs: number): ChunkVerdict {
    if (fromMs > this.endMs || this.startMs > throughMs) return KEEP;
    if (!this.matchesStream(labels)) return KEEP;
    if (this.startMs <= fromMs && this.endMs >= throughMs && !this.hasFilter) return ALL;
    return { kind: 'filter', filter: this.lineFilter(labels) };
  }

  private lineFilter(labels: Labels): LineFilter {
    const startNs = this.startNs;
    const endNs = this.endNs;
    const inRange = (baseNs: bigint, offsetNs: number): boolean => {
      // Offsets are exact doubles near the chunk's base; the bounds are compared in the same frame.
      const lo = Number(startNs - baseNs);
      const hi = Number(endNs - baseNs);
      return offsetNs >= lo && offsetNs <= hi;
    };
    if (!this.hasFilter) {
      return (baseNs, offsetNs) => {
        if (!inRange(baseNs, offsetNs)) return false;
        this.onDeletedLine();
        return true;
      };
    }
    const pipeline = this.compiledPipeline();
    if (!pipeline) return () => false;
    const stream = pipeline.forStream(labels, labelsToString(labels));
    return (baseNs, offsetNs, line, metadata) => {
      if (!inRange(baseNs, offsetNs)) return false;
      if (stream.process(baseNs, offsetNs, line, metadata) === null) return false;
      this.onDeletedLine();
      return true;
    };
  }

  /** The request's pipeline; null when it cannot be compiled (then it deletes nothing, as in Loki). */
  private compiledPipeline(): EntryPipeline | null {
    if (this.pipeline === undefined) {
      try {
        sharedCompiler ??= createPipelineCompiler();
        this.pipeline = sharedCompiler(this.expr.stages);
      } catch {
        this.pipeline = null;
      }
    }
    return this.pipeline;
  }
}

function labelValue(labels: Labels, name: string): string {
  for (const l of labels) if (l.name === name) return l.value;
  return '';
}
