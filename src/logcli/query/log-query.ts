// `query` and `instant-query` as logcli runs them. A range query is fetched in
// batches of --batch entries until --limit is reached (0: no limit): each next
// batch restarts at the timestamp of the last entry printed, inclusive, and the
// entries repeated from the previous batch are dropped, so that entries sharing
// a timestamp are neither lost nor printed twice. A range whose start equals
// its end (and has no step) is sent as an instant query, as logcli does.
import type { Direction } from '../client/client.js';
import type { Entry, QueryResult } from '../client/response.js';
import { formatTimestamp } from '../format/time-layout.js';
import { UTC_ZONE } from '../format/time-zone.js';
import { FatalError, writeText } from '../io.js';
import type { LogFormatter } from '../output.js';
import { metricResultJson } from '../print/metric-json.js';
import { formatStats } from '../print/stats.js';
import { renderStreams, type StreamPrintOptions } from '../print/streams.js';
import type { LineSink, RunContext } from './context.js';
import { PartFile } from './part-file.js';
import type { ProgressBar } from './progress.js';

export interface LogQuerySpec extends StreamPrintOptions {
  query: string;
  startNs: bigint;
  endNs: bigint;
  /** 0: everything. */
  limit: number;
  batchSize: number;
  stepNs: bigint;
  intervalNs: bigint;
  /** --part-path-prefix; empty to print to stdout. */
  partPathPrefix: string;
  /** --overwrite-completed-parts */
  overwriteCompleted: boolean;
}

export interface QueryRun {
  formatter: LogFormatter;
  /** Told how many lines each batch printed and how far through the range it got. */
  progress?: ProgressBar;
  /** Called with each batch's printed line count (parallel runs sum them up). */
  onLines?: (count: number) => void;
}

function direction(spec: LogQuerySpec): Direction {
  return spec.forward ? 'FORWARD' : 'BACKWARD';
}

export function isInstant(spec: LogQuerySpec): boolean {
  return spec.startNs === spec.endNs && spec.stepNs === 0n;
}

/** `<prefix>_<UTC start>_<UTC end>.part`, times as 20060102T150405. */
export function partFileName(prefix: string, startNs: bigint, endNs: bigint): string {
  return `${prefix}_${formatTimestamp(startNs, UTC_ZONE, 'compact')}_${formatTimestamp(endNs, UTC_ZONE, 'compact')}.part`;
}

class StdoutSink implements LineSink {
  constructor(private readonly ctx: RunContext) {}

  write(text: string): Promise<void> {
    return writeText(this.ctx.stdout, text);
  }
}

/**
 * Prints one response: log lines to the sink, metric results as JSON to stdout
 * (also when writing parts, as logcli does). Returns the number of lines
 * printed (-1 for a metric result) and the entries at the last timestamp.
 */
async function printResult(
  ctx: RunContext,
  spec: LogQuerySpec,
  run: QueryRun,
  result: QueryResult,
  sink: LineSink,
  previousLast: readonly Entry[],
): Promise<{ length: number; lastEntries: Entry[] }> {
  if (result.type !== 'streams') {
    await writeText(ctx.stdout, metricResultJson(result) ?? '');
    return { length: -1, lastEntries: [] };
  }
  const rendered = renderStreams(result.streams, spec, run.formatter, ctx.colors, previousLast);
  for (const note of rendered.notes) ctx.log.print(note);
  await sink.write(rendered.text);
  run.onLines?.(rendered.printed);
  return { length: rendered.printed, lastEntries: rendered.lastEntries };
}

function batchTooSmall(batchSize: number, overlap: number): FatalError {
  return new FatalError(
    `Invalid batch size ${batchSize}, the next query will have ${overlap} overlapping entries ` +
      '(there will always be 1 overlapping entry but Loki allows multiple entries to have ' +
      'the same timestamp, so when a batch ends in this scenario the next query will include ' +
      'all the overlapping entries again).  Please increase your batch size to at least ' +
      `${overlap + 1} to account for overlapping entryes\n`,
  );
}

async function queryFailed<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof FatalError) throw err;
    throw new FatalError(`Query failed: ${(err as Error).message}`);
  }
}

async function runBatches(ctx: RunContext, spec: LogQuerySpec, run: QueryRun, sink: LineSink): Promise<void> {
  const unlimited = spec.limit === 0;
  let batchSize = spec.batchSize;
  if (spec.limit < batchSize && !unlimited) batchSize = spec.limit;
  let total = 0;
  let start = spec.startNs;
  let end = spec.endNs;
  let lastEntries: Entry[] = [];
  const span = spec.endNs - spec.startNs;
  while (total < spec.limit || unlimited) {
    // The last batch asks only for what is missing, plus the overlap it will repeat.
    const size = spec.limit - total < batchSize && !unlimited ? spec.limit - total + lastEntries.length : batchSize;
    const resp = await queryFailed(
      ctx.client.queryRange(spec.query, size, start, end, direction(spec), spec.stepNs, spec.intervalNs, spec.quiet),
    );
    if (ctx.statistics) ctx.log.raw(formatStats(resp.stats, ctx.colors));
    const printed = await printResult(ctx, spec, run, resp.result, sink, lastEntries);
    lastEntries = printed.lastEntries;
    if (printed.length <= 0 || lastEntries.length === 0 || printed.length === spec.limit) break;
    if (lastEntries.length >= batchSize) throw batchTooSmall(batchSize, lastEntries.length);
    total += printed.length;
    // The start is inclusive, the end exclusive: a backward batch moves the end
    // one nanosecond past the last entry so that entry comes back.
    if (spec.forward) start = lastEntries[0].tsNs;
    else end = lastEntries[0].tsNs + 1n;
    if (run.progress && span > 0n) {
      const covered = spec.forward ? start - spec.startNs : spec.endNs - end;
      run.progress.update({ fraction: Number(covered) / Number(span), lines: printed.length });
    }
  }
}

async function openPart(ctx: RunContext, spec: LogQuerySpec): Promise<PartFile | null | 'skip'> {
  if (spec.partPathPrefix === '') return null;
  const part = new PartFile(partFileName(spec.partPathPrefix, spec.startNs, spec.endNs));
  try {
    if (!spec.overwriteCompleted && (await part.exists())) {
      const bound = (ns: bigint) => formatTimestamp(ns, UTC_ZONE, 'gostring');
      ctx.log.print(`Skip range: ${bound(spec.startNs)} - ${bound(spec.endNs)}: already downloaded\n`);
      return 'skip';
    }
    await part.createTempFile();
  } catch (err) {
    throw new FatalError(`Query failed: ${(err as Error).message}\n`);
  }
  return part;
}

/** logcli's Query.DoQuery: runs the query and prints its results (to a part file when asked). */
export async function runLogQuery(ctx: RunContext, spec: LogQuerySpec, run: QueryRun): Promise<void> {
  const part = await openPart(ctx, spec);
  if (part === 'skip') return;
  const sink: LineSink = part ?? new StdoutSink(ctx);
  try {
    if (isInstant(spec)) {
      const resp = await queryFailed(
        ctx.client.query(spec.query, spec.limit, spec.startNs, direction(spec), spec.quiet),
      );
      if (ctx.statistics) ctx.log.raw(formatStats(resp.stats, ctx.colors));
      await printResult(ctx, spec, run, resp.result, sink, []);
    } else {
      await runBatches(ctx, spec, run, sink);
    }
    if (part) {
      try {
        await part.finalize();
      } catch (err) {
        throw new FatalError((err as Error).message);
      }
    }
  } finally {
    await part?.close().catch(() => undefined);
  }
}
