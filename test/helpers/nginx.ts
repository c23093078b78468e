// A real nginx for end-to-end tests: the Debian `nginx` binary (installed with apt-get when
// missing), run in the foreground on a random loopback port with its own temporary prefix, pid
// file and temp paths, until the test stops it. Its standard output and error go to a log file in
// that directory (nginx opens /dev/stderr by path, which a socket, as Node's pipes are, refuses),
// so that `error_log /dev/stderr` and `access_log /dev/stderr` work as in a container.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePackageBinary, freeLoopbackPort } from '../../src/testing/service-process.js';

export function nginxBinary(): Promise<string> {
  return ensurePackageBinary('/usr/sbin/nginx', 'nginx');
}

export interface NginxProcess {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** Prefix directory: nginx.conf, pid file, temp paths. */
  readonly directory: string;
  /** The nginx.conf as started (after the path rewrite). */
  readonly config: string;
  readonly child: ChildProcess;
  /** What nginx wrote to standard error (error and access logs) so far. */
  logs(): string;
  /** SIGTERM (fast shutdown), wait for the exit, remove the directory. */
  stop(): Promise<void>;
}

export interface StartNginxOptions {
  /** The nginx.conf to run, given the port it must listen on (the caller writes `listen <port>`). */
  config(port: number): string | Promise<string>;
  /** Path polled until nginx answers it (any status). */
  readyPath?: string;
  readyTimeoutMs?: number;
}

/**
 * Starts nginx with `config(port)`. Absolute /tmp/ paths in the configuration (pid file, temp
 * paths, as container images use them) are moved into the process's own directory so that
 * parallel runs never share them.
 */
export async function startNginx(opts: StartNginxOptions): Promise<NginxProcess> {
  const binary = await nginxBinary();
  const directory = await mkdtemp(join(tmpdir(), 'skald-nginx-'));
  // Worker processes run as an unprivileged user when nginx starts as root; they write request
  // bodies into the temp paths under this directory.
  await chmod(directory, 0o755);
  const port = await freeLoopbackPort();
  const config = (await opts.config(port)).replace(/(?<=[\s'"])\/tmp\//g, `${directory}/`);
  const file = join(directory, 'nginx.conf');
  await writeFile(file, config);
  // -e: errors before the configuration is read go to stderr, not to the distribution's log path.
  const logFile = join(directory, 'nginx.log');
  const logFd = openSync(logFile, 'a');
  const child = spawn(binary, ['-p', `${directory}/`, '-c', file, '-e', 'stderr', '-g', 'daemon off;'], {
    cwd: directory,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  let last = '';
  const output = (): string => {
    try {
      last = readFileSync(logFile, 'utf8');
    } catch {
      // removed by stop(): the last read stays
    }
    return last;
  };
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
    output();
    await rm(directory, { recursive: true, force: true });
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 15_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`nginx exited before becoming ready:\n${output()}`);
    }
    try {
      const res = await fetch(`${url}${opts.readyPath ?? '/'}`);
      await res.body?.cancel();
      break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not listen on ${port} in time:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, port, directory, config, child, logs: output, stop };
}
