// Starts a real Skald server process on a free loopback port with its own data
// directory, for end-to-end tests: real HTTP, real files, real signals.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort } from '../../src/testing/free-port.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'skald.js');

/** A free TCP port on 127.0.0.1 (bound, read and released). */
/** A loopback port for a test server (see src/testing/free-port.ts). */
export const freePort = freeLoopbackPort;

export interface SkaldOptions {
  /** Extra YAML appended to the base config (top-level blocks). */
  extraConfig?: string;
  /** Replaces the storage part of the base config (schema_config and storage). */
  storageConfig?: string;
  /** limits_config body (indented two spaces by the caller is not needed). */
  limits?: Record<string, unknown>;
  authEnabled?: boolean;
  /** Reuse a data directory (restarts). */
  dataDir?: string;
  port?: number;
  env?: NodeJS.ProcessEnv;
  args?: string[];
}

export interface SkaldProcess {
  url: string;
  port: number;
  dataDir: string;
  configFile: string;
  child: ChildProcess;
  logs(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL (crash) and wait for exit. */
  kill(): Promise<void>;
  /** Removes the data directory. */
  cleanup(): Promise<void>;
}

function yamlValue(v: unknown): string {
  return Array.isArray(v)
    ? `[${v.map((x) => JSON.stringify(x)).join(', ')}]`
    : typeof v === 'string'
      ? JSON.stringify(v)
      : String(v);
}

export function baseConfig(dataDir: string, opts: SkaldOptions): string {
  const limits = {
    reject_old_samples: false,
    discover_service_name: [],
    // Skald's default, stated because the end-to-end tests' expected answers (stream labels, byte
    // counts, detected fields) assume no level detection; test/level-detection.test.ts turns it on.
    discover_log_levels: false,
    ingestion_rate_mb: 1024,
    ingestion_burst_size_mb: 2048,
    ...opts.limits,
  };
  const storage =
    opts.storageConfig ??
    `common:
  path_prefix: ${dataDir}
  storage:
    filesystem:
      chunks_directory: ${dataDir}/chunks
      rules_directory: ${dataDir}/rules
  replication_factor: 1
  ring:
    kvstore:
      store: inmemory
schema_config:
  configs:
    - from: 2020-01-01
      store: tsdb
      object_store: filesystem
      schema: v13
      index:
        prefix: index_
        period: 24h
`;
  return `auth_enabled: ${opts.authEnabled ?? false}
server:
  http_listen_address: 127.0.0.1
  log_level: warn
${storage}
limits_config:
${Object.entries(limits)
  .map(([k, v]) => `  ${k}: ${yamlValue(v)}`)
  .join('\n')}
${opts.extraConfig ?? ''}
`;
}

export async function waitReady(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`skald exited with code ${child.exitCode} before becoming ready`);
    try {
      const res = await fetch(`${url}/ready`);
      if (res.status === 200) return;
      await res.body?.cancel();
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('skald did not become ready in time');
}

export async function startSkald(opts: SkaldOptions = {}): Promise<SkaldProcess> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'skald-e2e-')));
  const port = opts.port ?? (await freePort());
  const configFile = join(dataDir, 'config.yaml');
  await writeFile(configFile, baseConfig(dataDir, opts));
  const child = spawn(
    process.execPath,
    [BIN, `-config.file=${configFile}`, `-server.http-listen-port=${port}`, ...(opts.args ?? [])],
    {
      cwd: dataDir,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${output}`);
  }
  return {
    url,
    port,
    dataDir,
    configFile,
    child,
    logs: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async cleanup() {
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
