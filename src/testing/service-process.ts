// Real third-party servers for end-to-end tests (Prometheus, Alertmanager):
// the Debian package is installed when its binary is missing, and the server
// runs as a child process on a random loopback port with a temporary
// directory, until the test stops it.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

import { freeLoopbackPort } from './free-port.js';

export { freeLoopbackPort };

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// Installs run one at a time: dpkg takes a lock that concurrent installs would fight over.
let installing: Promise<unknown> = Promise.resolve();

/**
 * The path of `binary`, installing Debian package `pkg` with apt-get when it
 * is missing (refreshing the package lists first if apt does not know it).
 */
export function ensurePackageBinary(binary: string, pkg: string): Promise<string> {
  const task = installing.then(async () => {
    if (await executable(binary)) return binary;
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () =>
      run('apt-get', ['install', '-y', '--no-install-recommends', pkg], { env, maxBuffer: 64 << 20 });
    try {
      await install();
    } catch {
      await run('apt-get', ['update'], { env, maxBuffer: 64 << 20 });
      await install();
    }
    if (!(await executable(binary))) throw new Error(`installing ${pkg} did not provide ${binary}`);
    return binary;
  });
  installing = task.catch(() => undefined);
  return task;
}

export interface ServiceProcess {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** The temporary directory holding its configuration and data. */
  readonly directory: string;
  readonly child: ChildProcess;
  /** What the process wrote to stdout and stderr. */
  logs(): string;
  /** SIGTERM, wait for the exit, remove the directory. */
  stop(): Promise<void>;
}

export interface StartServiceOptions {
  name: string;
  binary: string;
  /** Arguments, given the port and the temporary directory. */
  args(port: number, directory: string): string[];
  /** Files to write into the directory before start (name -> content). */
  prepare?(directory: string): Promise<void>;
  /** Path polled until it answers 200. */
  readyPath: string;
  readyTimeoutMs?: number;
}

export async function startServiceProcess(opts: StartServiceOptions): Promise<ServiceProcess> {
  const directory = await mkdtemp(join(tmpdir(), `skald-${opts.name}-`));
  const port = await freeLoopbackPort();
  await opts.prepare?.(directory);
  const child = spawn(opts.binary, opts.args(port, directory), { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
    await rm(directory, { recursive: true, force: true });
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`${opts.name} exited before becoming ready:\n${output}`);
    }
    try {
      const res = await fetch(`${url}${opts.readyPath}`);
      await res.body?.cancel();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${opts.name} did not become ready in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port, directory, child, logs: () => output, stop };
}
