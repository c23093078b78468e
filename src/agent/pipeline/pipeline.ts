// A sequence of stages that behaves as one stage (Promtail's Pipeline).
//
// The chain of closures connecting the stages is built once for each
// downstream function and reused, so pushing an entry costs one call per
// stage. Entering a pipeline copies the entry's current labels into its
// extracted values, as Promtail does for every (nested) pipeline.
import type { LogEntry } from './entry.js';
import type { Emit, Stage } from './stage.js';

export class Pipeline implements Stage {
  readonly name = 'pipeline';
  private cachedNext: Emit | undefined;
  private cachedHead: Emit | undefined;

  constructor(readonly stages: readonly Stage[]) {}

  get size(): number {
    return this.stages.length;
  }

  /** The function that feeds stage `from` onwards and ends in `next`. */
  private chain(next: Emit, from = 0): Emit {
    let emit = next;
    for (let i = this.stages.length - 1; i >= from; i--) {
      const stage = this.stages[i]!;
      const downstream = emit;
      emit = (e) => stage.process(e, downstream);
    }
    return emit;
  }

  process(entry: LogEntry, next: Emit): void {
    if (this.cachedNext !== next) {
      this.cachedHead = this.chain(next);
      this.cachedNext = next;
    }
    entry.enterPipeline();
    this.cachedHead!(entry);
  }

  /** Flushes each stage in order; what a stage releases still goes through the stages after it. */
  flush(next: Emit): void {
    for (let i = 0; i < this.stages.length; i++) {
      const stage = this.stages[i]!;
      if (stage.flush) stage.flush(this.chain(next, i + 1));
    }
  }

  close(): void {
    for (const s of this.stages) s.close?.();
  }
}
