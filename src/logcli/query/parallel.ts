// logcli's parallel download (--parallel-duration, --parallel-max-workers):
// the range is cut into jobs of --parallel-duration, newest first unless
// --forward, and up to --parallel-max-workers jobs run at once, each as its own
// (unlimited) query. Without part files the jobs print as they finish, so lines
// come out of order; with --part-path-prefix each job writes its own part file
// and --merge-parts prints the parts in job order as soon as each is complete,
// removing them unless --keep-parts.
import { readFile, rm } from 'node:fs/promises';
import { FatalError, writeText } from '../io.js';
import type { RunContext } from './context.js';
import { type LogQuerySpec, partFileName, type QueryRun, runLogQuery } from './log-query.js';
import type { ProgressBar } from './progress.js';

export interface ParallelSpec extends LogQuerySpec {
  parallelDurationNs: bigint;
  parallelMaxWorkers: number;
  mergeParts: boolean;
  keepParts: boolean;
}

/** The job ranges in the order they are queued (and merged). */
export function parallelJobRanges(spec: ParallelSpec): Array<{ startNs: bigint; endNs: bigint }> {
  const d = spec.parallelDurationNs;
  const count = (spec.endNs - spec.startNs + d - 1n) / d;
  const next = (start: bigint, end: bigint): [bigint, bigint] => {
    if (spec.forward) {
      const s = end;
      const e = s + d < spec.endNs ? s + d : spec.endNs;
      return [s, e];
    }
    const e = start;
    const s = e - d > spec.startNs ? e - d : spec.startNs;
    return [s, e];
  };
  // Starting from the range swapped gives the first job.
  let [start, end] = next(spec.endNs, spec.startNs);
  const jobs: Array<{ startNs: bigint; endNs: bigint }> = [];
  for (let i = 0n; i < count; i++) {
    jobs.push({ startNs: start, endNs: end });
    [start, end] = next(start, end);
  }
  return jobs;
}

interface Job {
  spec: LogQuerySpec;
  done: Promise<void>;
  settle: (err?: unknown) => void;
}

function makeJob(spec: LogQuerySpec): Job {
  let settle!: (err?: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = (err) => (err === undefined ? resolve() : reject(err));
  });
  // Failures are reported through the workers; this only keeps an unawaited job quiet.
  done.catch(() => undefined);
  return { spec, done, settle };
}

/** logcli's Query.DoQueryParallel. */
export async function runParallelQuery(
  ctx: RunContext,
  spec: ParallelSpec,
  run: QueryRun,
  progress?: ProgressBar,
): Promise<void> {
  if (spec.parallelDurationNs < 1n) throw new FatalError('Parallel duration has to be a positive value\n');
  const jobs = parallelJobRanges(spec).map((r) => makeJob({ ...spec, startNs: r.startNs, endNs: r.endNs }));
  let finished = 0;
  let failed: unknown;
  const queue = [...jobs];
  const jobRun: QueryRun = {
    formatter: run.formatter,
    onLines: (n) => progress?.update({ lines: n }),
  };

  const fail = (err: unknown) => {
    failed ??= err;
    // Jobs that will never run must not keep the merge waiting.
    for (const job of queue.splice(0)) job.settle(err);
  };

  const worker = async () => {
    while (failed === undefined) {
      const job = queue.shift();
      if (!job) return;
      try {
        await runLogQuery(ctx, job.spec, jobRun);
        job.settle();
      } catch (err) {
        job.settle(err);
        fail(err);
        return;
      }
      finished++;
      progress?.update({ fraction: finished / jobs.length, parts: { done: finished, total: jobs.length } });
    }
  };

  const merge = async () => {
    if (!spec.mergeParts) return;
    for (const job of jobs) {
      await job.done;
      const name = partFileName(spec.partPathPrefix, job.spec.startNs, job.spec.endNs);
      let text: string;
      try {
        text = await readFile(name, 'utf8');
      } catch (err) {
        throw new FatalError(`Merging part files error: open file error: open ${name}: ${(err as Error).message}\n`);
      }
      await writeText(ctx.stdout, text);
      if (!spec.keepParts) {
        try {
          await rm(name);
        } catch (err) {
          throw new FatalError(`Merging part files error: removing file error: ${(err as Error).message}\n`);
        }
      }
    }
  };

  progress?.update({ fraction: 0, parts: { done: 0, total: jobs.length } });
  const workers = Array.from({ length: spec.parallelMaxWorkers }, worker);
  await Promise.all([merge().catch(fail), ...workers]);
  if (failed !== undefined) throw failed;
}
