// `multiline`: joins lines into blocks per stream. A line matching
// `firstline` starts a block; following lines are appended (newline
// separated) until the next first line, `max_lines` lines, or `max_wait_time`
// without a new line for that stream. A stream only starts buffering once
// it saw a first line; before that its lines pass through unchanged.
import { parseGoDurationNs } from '../../../config/values/duration.js';
import type { GoRegexp } from '../../../util/regexp.js';
import { type Ack, combineAcks, NO_ACK } from '../ack.js';
import type { LogEntry } from '../entry.js';
import type { Emit, Stage } from '../stage.js';
import { StageConfigError, type StageOptions } from '../stage-options.js';
import { compileStageRegexp } from './regex.js';

interface StreamBlock {
  /** The entry of the last first line: its labels, time and extracted values describe the block. */
  start: LogEntry;
  lines: string[];
  ack: Ack;
  next: Emit;
  lastActivity: number;
  timer: NodeJS.Timeout | undefined;
}

export class MultilineStage implements Stage {
  readonly name = 'multiline';
  private readonly streams = new Map<string, StreamBlock>();

  constructor(
    private readonly firstLine: GoRegexp,
    private readonly maxLines: number,
    private readonly maxWaitMs: number,
  ) {}

  static fromOptions(opts: StageOptions): MultilineStage {
    const expression = opts.string('firstline');
    const maxLines = opts.integer('max_lines') ?? 128;
    const maxWait = opts.string('max_wait_time');
    opts.finish();
    if (expression === undefined)
      throw new StageConfigError('multiline stage config must define `firstline` regular expression');
    let re: GoRegexp;
    try {
      re = compileStageRegexp(expression);
    } catch (err) {
      throw new StageConfigError(`multiline stage first line regex compilation error: ${(err as Error).message}`);
    }
    let maxWaitMs = 3000;
    if (maxWait !== undefined) {
      try {
        maxWaitMs = Number(parseGoDurationNs(maxWait)) / 1e6;
      } catch (err) {
        throw new StageConfigError(`multiline stage \`max_wait_time\` parse error: ${(err as Error).message}`);
      }
    }
    return new MultilineStage(re, maxLines, maxWaitMs);
  }

  process(entry: LogEntry, next: Emit): void {
    const key = entry.labels.toString();
    const line = entry.lineText;
    const isFirst = this.firstLine.test(line);
    let block = this.streams.get(key);
    if (block === undefined) {
      if (!isFirst) {
        next(entry);
        return;
      }
      block = { start: entry, lines: [], ack: NO_ACK, next, lastActivity: 0, timer: undefined };
      this.streams.set(key, block);
    }
    if (isFirst) {
      this.flushBlock(block);
      block.start = entry;
    }
    block.next = next;
    block.lines.push(line);
    block.ack = combineAcks(block.ack, entry.ack);
    block.lastActivity = performance.now();
    if (block.lines.length === this.maxLines) this.flushBlock(block);
    this.arm(block);
  }

  /** One timer per stream, re-armed lazily: a busy stream does not reset a timer per line. */
  private arm(block: StreamBlock): void {
    if (block.timer !== undefined || block.lines.length === 0) return;
    const wait = Math.max(0, block.lastActivity + this.maxWaitMs - performance.now());
    block.timer = setTimeout(() => {
      block.timer = undefined;
      if (performance.now() - block.lastActivity >= this.maxWaitMs - 1) this.flushBlock(block);
      else this.arm(block);
    }, wait);
  }

  private flushBlock(block: StreamBlock): void {
    if (block.lines.length === 0) return;
    const collapsed = block.start.derive(block.lines.join('\n'), block.ack);
    block.lines = [];
    block.ack = NO_ACK;
    block.next(collapsed);
  }

  flush(next: Emit): void {
    for (const block of this.streams.values()) {
      if (block.timer !== undefined) clearTimeout(block.timer);
      block.timer = undefined;
      block.next = next;
      this.flushBlock(block);
    }
  }

  close(): void {
    for (const block of this.streams.values()) if (block.timer !== undefined) clearTimeout(block.timer);
  }
}
