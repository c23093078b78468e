// `skald query <command> ...`: logcli, Grafana Loki's command-line client, with
// its commands, flags, environment variables, output formats and messages, so
// that operators' scripts run unchanged against Loki or Skald.
//
//   skald query query '{job="api"}' --since=1h --limit=100 -o jsonl
//   skald query labels job
//   skald query series '{job="api"}' --analyze-labels

import { versionText } from '../version.js';
import type { Invocation } from './cli/invocation.js';
import { parseCommandLine } from './cli/program.js';
import { currentTimeNs, globalSettings, NS_PER_HOUR, OptionReader, timeRange } from './cli/settings.js';
import { UsageError } from './cli/values.js';
import { ClientError, LokiClient } from './client/client.js';
import { runDeleteCancel, runDeleteCreate, runDeleteList } from './commands/delete.js';
import { runDetectedFields } from './commands/detected-fields.js';
import { formatQuery, readAll } from './commands/fmt.js';
import { runIndexStats } from './commands/index-stats.js';
import { runLabels } from './commands/labels.js';
import { runQueryCommand } from './commands/query.js';
import { runSeries } from './commands/series.js';
import { runVolume } from './commands/volume.js';
import { Colorizer, colorsEnabled } from './format/color.js';
import { localZone } from './format/time-zone.js';
import { FatalError, type LogcliIO, StdLogger, writeText } from './io.js';
import type { RunContext } from './query/context.js';

export type { LogcliIO, TextOutput } from './io.js';

async function dispatch(inv: Invocation): Promise<void> {
  const { line, reader: r, globals: g, ctx } = inv;
  const quiet = g.quiet;
  switch (line.command) {
    case 'query':
      return runQueryCommand(inv, false);
    case 'instant-query':
      return runQueryCommand(inv, true);
    case 'labels':
      return runLabels(ctx, { labelName: line.args[0] ?? '', quiet, ...timeRange(r, currentTimeNs()) });
    case 'series': {
      const analyzeLabels = r.bool('analyzeLabels');
      return runSeries(ctx, { matcher: line.args[0], analyzeLabels, quiet, ...timeRange(r, currentTimeNs()) });
    }
    case 'fmt': {
      const input = inv.io.stdin ?? process.stdin;
      await writeText(ctx.stdout, formatQuery(await readAll(input)));
      return;
    }
    case 'stats':
      return runIndexStats(ctx, { query: line.args[0], quiet, ...timeRange(r, currentTimeNs()) });
    case 'volume':
    case 'volume_range': {
      const range = line.command === 'volume_range';
      const limit = r.int('limit', 30);
      const stepNs = range ? r.duration('step', NS_PER_HOUR) : 0n;
      const targetLabels = r.list('targetLabels');
      const aggregateByLabels = r.bool('aggregateByLabels');
      const times = timeRange(r, currentTimeNs());
      return runVolume(
        ctx,
        { query: line.args[0], ...times, limit, stepNs, targetLabels, aggregateByLabels, quiet },
        range,
      );
    }
    case 'detected-fields': {
      const limit = r.int('limit', 100);
      const lineLimit = r.int('lineLimit', 1000);
      const stepNs = r.duration('step', 10_000_000_000n);
      const times = timeRange(r, currentTimeNs());
      return runDetectedFields(
        ctx,
        { query: line.args[0], fieldName: line.args[1] ?? '', limit, lineLimit, stepNs, quiet, ...times },
        g.output,
      );
    }
    case 'delete create': {
      const maxInterval = r.str('maxInterval');
      return runDeleteCreate(ctx, { query: line.args[0], maxInterval, quiet, ...timeRange(r, currentTimeNs()) });
    }
    case 'delete list':
      return runDeleteList(ctx, g.output === 'jsonl', quiet, inv.local);
    case 'delete cancel':
      return runDeleteCancel(ctx, r.str('requestId'), r.bool('force'), quiet);
  }
}

/**
 * `skald query ... | head`: when the reader goes away, logcli dies of SIGPIPE
 * without a message. Node ignores SIGPIPE and reports EPIPE instead; end the
 * same way, with the status a shell shows for SIGPIPE (128 + 13).
 */
function exitQuietlyOnClosedPipe(): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(141);
    throw err;
  });
}

/**
 * Runs `skald query` with `argv` (the words after `query`) and returns the exit
 * status: 0 on success, 1 on a bad command line or a failed request.
 */
export async function runLogcli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: LogcliIO = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  if (io.stdout === process.stdout) exitQuietlyOnClosedPipe();
  const local = localZone(env);
  const log = new StdLogger(io.stderr, local);
  const usage = (message: string) => {
    io.stderr.write(`skald query: error: ${message}, try --help\n`);
    return 1;
  };
  try {
    const line = parseCommandLine(argv, versionText().trimEnd());
    if (!('command' in line)) {
      await writeText(io.stdout, line.output);
      return 0;
    }
    const reader = new OptionReader(line.options, env);
    const globals = globalSettings(reader);
    const client = new LokiClient(globals.client, log, env, io.signal);
    const ctx: RunContext = {
      client,
      log,
      stdout: io.stdout,
      stderr: io.stderr,
      colors: new Colorizer(colorsEnabled(io.stdout.isTTY === true, env)),
      statistics: globals.statistics,
      signal: io.signal,
    };
    await dispatch({ line, reader, globals, ctx, io, env, local });
    return 0;
  } catch (err) {
    if (err instanceof UsageError) return usage(err.message);
    if (err instanceof FatalError || err instanceof ClientError) {
      log.print(err.message);
      return 1;
    }
    throw err;
  }
}
