// The contract between pipeline stages.
//
// A stage receives one entry at a time and hands zero or more entries to the
// next stage, either at once or later (multiline blocks, CRI partial lines,
// rate limiting). Stages never block: whatever has to wait is held by the
// stage and the sources slow down through back-pressure instead.
import type { Logger } from '../../util/log.js';
import type { FlowControl } from '../flow-control.js';
import type { AgentMetrics } from '../metrics.js';
import type { LogEntry } from './entry.js';

export type Emit = (entry: LogEntry) => void;

export interface Stage {
  readonly name: string;
  /** Handles one entry; calls `next` zero or more times, possibly later. */
  process(entry: LogEntry, next: Emit): void;
  /** Hands on whatever the stage still holds (on shutdown). */
  flush?(next: Emit): void;
  /** Releases timers and other resources. */
  close?(): void;
}

/** What stages may use besides their options. */
export interface StageContext {
  /** The scrape config's job name (metric stage pipeline names are derived from it). */
  readonly jobName: string | undefined;
  readonly logger: Logger;
  readonly metrics: AgentMetrics;
  /** Where stages that hold entries back (rate limits) account the bytes they hold. */
  readonly flow: FlowControl;
}

/** Drops an entry on purpose: counted under `reason` and acknowledged so its file position can advance. */
export function dropEntry(ctx: StageContext, entry: LogEntry, reason: string): void {
  ctx.metrics.droppedLines.inc({ reason });
  entry.ack.done();
}

/** A stage that changes an entry in place and always passes it on. */
export abstract class ProcessorStage implements Stage {
  abstract readonly name: string;

  /** Changes the entry in place. */
  protected abstract apply(entry: LogEntry): void;

  process(entry: LogEntry, next: Emit): void {
    this.apply(entry);
    next(entry);
  }
}
