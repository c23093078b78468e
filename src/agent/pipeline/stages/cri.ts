// `cri`: lines written by container runtimes through the CRI
// ("2019-04-30T02:12:41.8443515Z stdout F message"). Extracts time, stream,
// flags and content, adds the `stream` label, takes the time as timestamp
// and the content as line; lines flagged P (partial) are held and joined
// with the following lines of the same stream up to the next full line.
//
// This is Promtail's definition (a regex, labels, timestamp and output
// stage) with a byte-level fast path for well-formed lines: the line stays a
// slice of the file's buffer and the extracted values are only materialised
// if a later stage reads them.
import { combineAcks } from '../ack.js';
import type { DeferredValues, LogEntry } from '../entry.js';
import { Pipeline } from '../pipeline.js';
import type { Emit, Stage, StageContext } from '../stage.js';
import type { StageOptions } from '../stage-options.js';
import { parseRfc3339Nano, parseRfc3339Utc } from '../timestamp-formats.js';
import { LabelsStage } from './labels.js';
import { OutputStage } from './output.js';
import { compileStageRegexp, RegexStage } from './regex.js';
import { TimestampStage } from './timestamp.js';

const CRI_EXPRESSION = '^(?s)(?P<time>\\S+?) (?P<stream>stdout|stderr) (?P<flags>\\S+?) (?P<content>.*)$';

const SPACE = 0x20;

/** The slow path's stages only change the entry in place; nothing is forwarded from them. */
const IGNORE: Emit = () => {};

/** Whitespace as RE2's \s sees it (\t \n \f \r and space; not \v). */
function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d;
}

function startsWith(buf: Buffer, at: number, word: string): boolean {
  if (at + word.length > buf.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[at + i] !== word.charCodeAt(i)) return false;
  return true;
}

const CRI_VALUES = new Set(['time', 'stream', 'flags', 'content']);

/** The fields of a CRI line, as positions in it; also the values the stage extracts (decoded on demand). */
export class CriLine implements DeferredValues {
  constructor(
    readonly buf: Buffer,
    readonly timeEnd: number,
    readonly stream: 'stdout' | 'stderr',
    readonly flagsStart: number,
    readonly flagsEnd: number,
    readonly contentStart: number,
  ) {}

  /** Flags `P`: the line continues in the next one. */
  get partial(): boolean {
    return this.flagsEnd - this.flagsStart === 1 && this.buf[this.flagsStart] === 0x50;
  }

  get flags(): string {
    return this.buf.toString('latin1', this.flagsStart, this.flagsEnd);
  }

  applyTo(map: Map<string, unknown>): void {
    map.set('time', this.buf.toString('utf8', 0, this.timeEnd));
    map.set('stream', this.stream);
    map.set('flags', this.buf.toString('utf8', this.flagsStart, this.flagsEnd));
    map.set('content', this.buf.toString('utf8', this.contentStart));
  }

  has(name: string): boolean {
    return CRI_VALUES.has(name);
  }
}

/** The fields of a line, or undefined when the line is not in CRI format. */
export function parseCriLine(buf: Buffer): CriLine | undefined {
  let i = 0;
  while (i < buf.length && !isSpace(buf[i]!)) i++;
  if (i === 0 || buf[i] !== SPACE) return undefined;
  const timeEnd = i;
  const streamStart = i + 1;
  let stream: 'stdout' | 'stderr';
  if (startsWith(buf, streamStart, 'stdout ')) stream = 'stdout';
  else if (startsWith(buf, streamStart, 'stderr ')) stream = 'stderr';
  else return undefined;
  const flagsStart = streamStart + 7;
  let j = flagsStart;
  while (j < buf.length && !isSpace(buf[j]!)) j++;
  if (j === flagsStart || buf[j] !== SPACE) return undefined;
  return new CriLine(buf, timeEnd, stream, flagsStart, j, j + 1);
}

export class CriStage implements Stage {
  readonly name = 'cri';
  private readonly timestamps = new TimestampStage('time', parseRfc3339Nano, true);
  /** Promtail's stages, for lines the fast path does not handle. */
  private readonly slow: Pipeline;
  private partial = new Map<string, LogEntry>();

  constructor(
    private readonly ctx: StageContext,
    private readonly maxPartialLines: number,
    private readonly maxPartialLineSize: number,
    private readonly truncatePartialLines: boolean,
  ) {
    this.slow = new Pipeline([
      new RegexStage(compileStageRegexp(CRI_EXPRESSION), undefined),
      new LabelsStage([['stream', 'stream']]),
      this.timestamps,
      new OutputStage('content'),
      new OutputStage('tags'),
    ]);
  }

  static fromOptions(ctx: StageContext, opts: StageOptions): CriStage {
    const maxPartialLines = opts.integer('max_partial_lines') || 100;
    const maxPartialLineSize = opts.byteSize('max_partial_line_size') ?? 0;
    const truncate = opts.bool('max_partial_line_size_truncate') ?? false;
    opts.finish();
    return new CriStage(ctx, maxPartialLines, maxPartialLineSize, truncate);
  }

  /** Parses and rewrites the entry; returns whether it is a partial line (flags P). */
  private parse(entry: LogEntry): boolean {
    entry.enterPipeline();
    const buf = entry.line;
    const f = parseCriLine(buf);
    if (f === undefined || entry.hasExtractedValue('tags')) {
      this.slow.process(entry, IGNORE);
      return entry.extracted().get('flags') === 'P';
    }
    const content = buf.subarray(f.contentStart);
    entry.deferExtracted(f);
    entry.labels = entry.labels.withCached('stream', f.stream);
    let ts = parseRfc3339Utc(buf, 0, f.timeEnd);
    if (ts === undefined) {
      try {
        ts = parseRfc3339Nano(buf.toString('utf8', 0, f.timeEnd));
      } catch {
        ts = undefined;
      }
    }
    this.timestamps.settle(entry, ts);
    entry.line = content;
    return f.partial;
  }

  private truncate(entry: LogEntry): void {
    if (this.truncatePartialLines && entry.lineBytes > this.maxPartialLineSize) {
      entry.line = entry.line.subarray(0, this.maxPartialLineSize);
    }
  }

  /** Prepends the held partial content of the same stream, taking over its acknowledgement. */
  private join(previous: LogEntry, entry: LogEntry): void {
    entry.line = Buffer.concat([previous.line, entry.line]);
    entry.ack = combineAcks(previous.ack, entry.ack);
  }

  process(entry: LogEntry, next: Emit): void {
    const partial = this.parse(entry);
    const key = entry.labels.toString();
    const previous = this.partial.size === 0 ? undefined : this.partial.get(key);
    if (partial) {
      if (this.partial.size >= this.maxPartialLines) {
        this.ctx.logger.warn('cri stage: partial lines upperbound exceeded. merging it to single line', {
          threshold: this.maxPartialLines,
        });
        const held = [...this.partial.values()];
        this.partial = new Map();
        this.truncate(entry);
        this.partial.set(key, entry);
        for (const e of held) next(e);
        return;
      }
      if (previous !== undefined) this.join(previous, entry);
      this.truncate(entry);
      this.partial.set(key, entry);
      return;
    }
    if (previous !== undefined) {
      this.join(previous, entry);
      this.truncate(entry);
      this.partial.delete(key);
    }
    next(entry);
  }

  /** Partial lines still held are sent as they are rather than lost. */
  flush(next: Emit): void {
    const held = [...this.partial.values()];
    this.partial.clear();
    for (const e of held) next(e);
  }
}
