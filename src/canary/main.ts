// `skald canary`: loki-canary with its flags, output and metrics. It writes timestamped lines (to
// standard output for an agent to ship, or pushed with -push), reads them back from Loki, and
// reports what went missing or came back out of order on its own /metrics endpoint.

import { collectDefaultMetrics, Registry } from 'prom-client';
import { Canary } from './canary.js';
import type { TextSink } from './entry-writer.js';
import { parseCanaryCommandLine } from './flags.js';
import { CanaryMetrics } from './metrics.js';
import { MetricsServer } from './metrics-server.js';
import { loadTlsOptions, type TlsClientOptions } from './tls.js';

export interface RunCanaryOptions {
  /**
   * Ends the run as SIGTERM does. When given, the process's signals are left alone, so that the
   * canary can run inside another program (or a test) for a bounded time.
   */
  readonly signal?: AbortSignal;
  /** Where lines go without -push (default: process.stdout). */
  readonly stdout?: TextSink;
  /** Where diagnostics go (default: process.stderr). */
  readonly stderr?: TextSink;
  /** Called with the metrics server's port once it listens (useful with -port=0). */
  readonly onListening?: (port: number) => void;
  /** Pause of the tail before reconnecting after an error (default 10s, as loki-canary). */
  readonly tailRetryDelayMs?: number;
}

/** Runs the canary until SIGTERM/SIGINT (or `run.signal`); resolves with the exit code. */
export async function runCanary(argv: string[], env: NodeJS.ProcessEnv, run: RunCanaryOptions = {}): Promise<number> {
  const stdout = run.stdout ?? process.stdout;
  const stderr = run.stderr ?? process.stderr;

  const commandLine = parseCanaryCommandLine(argv, env);
  if (commandLine.action === 'exit') {
    if (commandLine.stdout) stdout.write(commandLine.stdout);
    if (commandLine.stderr) stderr.write(commandLine.stderr);
    return commandLine.exitCode;
  }
  const options = commandLine.options;

  let tls: TlsClientOptions | undefined;
  try {
    tls = loadTlsOptions(options);
  } catch (err) {
    stderr.write(`TLS configuration error: ${(err as Error).message}\n`);
    return 1;
  }

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = new CanaryMetrics(registry, options.buckets);

  let canary: Canary;
  try {
    canary = new Canary(options, { metrics, stdout, stderr, tls, tailRetryDelayMs: run.tailRetryDelayMs });
  } catch (err) {
    stderr.write(`Unable to create reader for Loki querier, check config: ${(err as Error).message}\n`);
    return 1;
  }
  await canary.start();

  const server = new MetricsServer({ registry, canary, log: stderr });
  try {
    const port = await server.listen(options.port);
    run.onListening?.(port);
  } catch (err) {
    stderr.write(`${(err as Error).message}\n`);
    await canary.stop();
    return 1;
  }

  await untilTerminated(run.signal);
  stderr.write('shutting down\n');
  await canary.stop();
  await server.close();
  return 0;
}

/** Resolves on the run's abort signal, or on SIGTERM/SIGINT when no signal was given. */
function untilTerminated(signal: AbortSignal | undefined): Promise<void> {
  if (signal) {
    return new Promise((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
  return new Promise((resolve) => {
    const onSignal = () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
