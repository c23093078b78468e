// Starts a real `skald agent` process (the compiled package, as deployed)
// with a Promtail configuration file, for end-to-end tests that kill it
// with SIGKILL and start it again over the same positions file.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, waitReady } from './skald-process.js';

const BIN = join(ROOT, 'bin', 'skald.js');

export interface AgentProcess {
  /** The agent's own HTTP server (/ready, /metrics). */
  readonly url: string;
  readonly child: ChildProcess;
  logs(): string;
  /** SIGTERM (clean shutdown: delivers what it holds, saves positions) and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL (crash) and wait for exit. */
  kill(): Promise<void>;
}

/**
 * Runs `skald agent -config.file=<configFile>`; resolves once its /ready
 * answers 200 (at least one file is tailed). The config must set
 * `server.http_listen_port` to `httpPort` on 127.0.0.1.
 */
export async function startAgentProcess(
  configFile: string,
  httpPort: number,
  args: string[] = [],
): Promise<AgentProcess> {
  const child = spawn(process.execPath, [BIN, 'agent', `-config.file=${configFile}`, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => {
    // The tail is what matters when a test fails; a long run must not grow this without bound.
    output = (output + d.toString()).slice(-64 * 1024);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${httpPort}`;
  try {
    await waitReady(url, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${output}`);
  }
  return {
    url,
    child,
    logs: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The samples of one metric family from Prometheus text, keyed by one label's value. */
export async function metricByLabel(url: string, name: string, label: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const text = await (await fetch(`${url}/metrics`)).text();
  const re = new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm');
  for (const m of text.matchAll(re)) {
    const lm = new RegExp(`(?:^|,)${label}="((?:[^"\\\\]|\\\\.)*)"`).exec(m[1]!);
    if (lm) out.set(lm[1]!.replace(/\\(.)/g, '$1'), Number(m[2]));
  }
  return out;
}
