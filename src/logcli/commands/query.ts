// `query` and `instant-query`: the flags read into a query, then one query
// paged in batches, a parallel download, or a tail.
import type { Invocation } from '../cli/invocation.js';
import { currentTimeNs, type GlobalSettings, NS_PER_HOUR, type OptionReader, timeFlag } from '../cli/settings.js';
import { zoneByName } from '../format/time-zone.js';
import type { LogcliIO } from '../io.js';
import { newLogFormatter } from '../output.js';
import { type LogQuerySpec, runLogQuery } from '../query/log-query.js';
import { runParallelQuery } from '../query/parallel.js';
import { ProgressBar } from '../query/progress.js';
import { runTail } from '../query/tail.js';

/** The printing flags shared by `query` and `instant-query`. */
function printSettings(r: OptionReader, quiet: boolean) {
  return {
    quiet,
    forward: r.bool('forward'),
    // `--no-labels` is commander's negation of a `labels` option.
    noLabels: r.negated('labels'),
    showLabelsKey: r.list('includeLabel'),
    ignoreLabelsKey: r.list('excludeLabel'),
    includeCommonLabels: r.bool('includeCommonLabels'),
    fixedLabelsLen: r.int('labelsLength', 0),
    coloredOutput: r.bool('coloredOutput'),
  };
}

/** Watches SIGINT and SIGTERM for as long as a tail runs, unless the caller gave a signal. */
function tailSignal(io: LogcliIO): { signal: AbortSignal; release: () => void } {
  if (io.signal) return { signal: io.signal, release: () => undefined };
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

export async function runQueryCommand(inv: Invocation, instant: boolean): Promise<void> {
  const { reader: r, globals: g, ctx } = inv;
  const print = printSettings(r, g.quiet);
  const limit = r.int('limit', 30);
  const formatterFor = (timestampFormat: GlobalSettings['timestampFormat']) =>
    newLogFormatter(g.output, {
      zone: zoneByName(g.timezone, inv.env),
      noLabels: print.noLabels,
      coloredOutput: print.coloredOutput,
      timestampFormat,
      colors: ctx.colors,
    });
  const query = inv.line.args[0];

  if (instant) {
    const now = timeFlag(r.str('now'), currentTimeNs());
    const spec: LogQuerySpec = {
      ...print,
      query,
      startNs: now,
      endNs: now,
      limit,
      batchSize: 0,
      stepNs: 0n,
      intervalNs: 0n,
      partPathPrefix: '',
      overwriteCompleted: false,
    };
    // logcli's instant-query does not pass --output-timestamp-format on.
    await runLogQuery(ctx, spec, { formatter: formatterFor('rfc3339') });
    return;
  }

  const stepNs = r.duration('step', 0n);
  const intervalNs = r.duration('interval', 0n);
  const batchSize = r.int('batch', 1000);
  const parallelDurationNs = r.duration('parallelDuration', NS_PER_HOUR);
  let parallelMaxWorkers = r.int('parallelMaxWorkers', 1);
  const tail = r.bool('tail') || r.bool('follow');
  const delayForSec = r.int('delayFor', 0);
  const since = r.duration('since', NS_PER_HOUR);
  const now = currentTimeNs();
  const startNs = timeFlag(r.str('from'), now - since);
  const endNs = timeFlag(r.str('to'), now);
  if (parallelMaxWorkers < 1) {
    ctx.log.print('parallel-max-workers must be greater than 0, defaulting to 1.');
    parallelMaxWorkers = 1;
  }
  const formatter = formatterFor(g.timestampFormat);

  if (tail) {
    const { signal, release } = tailSignal(inv.io);
    try {
      await runTail(ctx, { ...print, query, startNs, limit, delayForSec }, formatter, inv.local, signal);
    } finally {
      release();
    }
    return;
  }

  const spec = {
    ...print,
    query,
    startNs,
    endNs,
    limit,
    batchSize,
    stepNs,
    intervalNs,
    partPathPrefix: r.str('partPathPrefix'),
    overwriteCompleted: r.bool('overwriteCompletedParts'),
  };
  const showProgress = inv.io.stderr.isTTY === true && inv.io.stdout.isTTY !== true && !g.quiet;
  const progress = showProgress ? new ProgressBar(ctx.log, inv.io.stderr.columns ?? 80) : undefined;
  try {
    if (parallelMaxWorkers === 1) {
      await runLogQuery(ctx, spec, { formatter, progress });
    } else {
      // The limit does not apply to parallel downloads.
      await runParallelQuery(
        ctx,
        {
          ...spec,
          limit: 0,
          parallelDurationNs,
          parallelMaxWorkers,
          mergeParts: r.bool('mergeParts'),
          keepParts: r.bool('keepParts'),
        },
        { formatter },
        progress,
      );
    }
  } finally {
    progress?.finish();
  }
}
