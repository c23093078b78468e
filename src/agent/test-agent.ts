// Running a whole agent inside a test: runAgent with a config text, a
// loopback HTTP port and fast polling; stopped through an abort signal as
// SIGTERM would. Not used by the agent itself.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Agent } from './agent.js';
import { runAgent } from './main.js';

export interface RunningAgent {
  readonly agent: Agent;
  readonly stdout: string[];
  /** Stops the agent like SIGTERM; resolves with its exit code. */
  stop(): Promise<number>;
  /** GET on the agent's own HTTP server. */
  get(path: string): Promise<{ status: number; body: string }>;
}

/** Flags every test agent gets: ephemeral HTTP port, fast file polling and target syncs. */
export const FAST_FLAGS = [
  '-log.level=error',
  '-server.http-listen-address=127.0.0.1',
  '-server.http-listen-port=0',
  '-file-watch.min_poll_frequency=10ms',
  '-file-watch.max_poll_frequency=50ms',
  '-target.sync-period=200ms',
  '-positions.sync-period=100ms',
];

export async function startAgent(
  dir: string,
  configText: string,
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<RunningAgent> {
  const file = join(dir, 'agent.yaml');
  writeFileSync(file, configText);
  const abort = new AbortController();
  const stdout: string[] = [];
  let resolveStarted!: (a: Agent) => void;
  const started = new Promise<Agent>((resolve) => {
    resolveStarted = resolve;
  });
  const exit = runAgent([`-config.file=${file}`, ...FAST_FLAGS, ...extraArgs], env, {
    signal: abort.signal,
    stdout: (t) => stdout.push(t),
    stderr: () => {},
    onStarted: resolveStarted,
    discoveryUpdateDelayMs: 50,
  });
  const agent = await Promise.race([
    started,
    exit.then((code) => {
      throw new Error(`agent exited with ${code}: ${stdout.join('')}`);
    }),
  ]);
  return {
    agent,
    stdout,
    stop: async () => {
      abort.abort();
      return exit;
    },
    get: async (path) => {
      const res = await fetch(`http://127.0.0.1:${agent.httpAddress!.port}${path}`);
      return { status: res.status, body: await res.text() };
    },
  };
}
