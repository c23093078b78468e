// A real memcached for tests: the Debian `memcached` binary on 127.0.0.1 and a
// random free port, stopped by the test. It can be halted and resumed on the
// same port (empty again, as a restarted memcached is), which is how tests
// prove that a cache outage never fails a query.
//
// When the binary is missing and the tests run as root (CI machines, fresh
// development machines), it is installed with apt-get, so that the tests need
// no setup step of their own.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { Daemon } from './daemon.js';
import { freeLoopbackPort } from './free-port.js';

const CANDIDATES = ['/usr/bin/memcached', '/usr/local/bin/memcached', '/usr/sbin/memcached'];

function findBinary(): string | null {
  for (const c of CANDIDATES) if (existsSync(c)) return c;
  const which = spawnSync('which', ['memcached'], { encoding: 'utf8' });
  const path = which.status === 0 ? which.stdout.trim() : '';
  return path !== '' ? path : null;
}

/** The memcached binary, installed with apt-get first when missing and allowed. */
export function memcachedBinary(): string {
  const found = findBinary();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error('memcached is not installed and these tests are not root: run `apt-get install -y memcached`');
  }
  const apt = (args: string[]) =>
    spawnSync('apt-get', args, {
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  let r = apt(['install', '-y', 'memcached']);
  if (r.status !== 0) {
    // A fresh machine may have no package lists yet.
    apt(['update']);
    r = apt(['install', '-y', 'memcached']);
  }
  const installed = findBinary();
  if (!installed) throw new Error(`could not install memcached with apt-get:\n${r.stdout}\n${r.stderr}`);
  return installed;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Sends one command and reads the reply up to a line equal to `last`. */
export function memcachedCommand(port: number, command: string, last = 'END', timeoutMs = 2000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    let text = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`memcached did not answer ${JSON.stringify(command)} in ${timeoutMs}ms`));
    }, timeoutMs);
    s.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      const lines = text.split('\r\n');
      if (lines.includes(last) || lines.some((l) => l === 'ERROR' || l.startsWith('SERVER_ERROR'))) {
        clearTimeout(timer);
        s.end();
        resolve(lines.filter((l) => l !== ''));
      }
    });
    s.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    s.write(`${command}\r\n`);
  });
}

export interface MemcachedTestServer {
  /** `127.0.0.1:<port>`, as memcached_client.addresses takes it. */
  readonly address: string;
  readonly port: number;
  /** Whether the server is up (false between `halt` and `resume`). */
  readonly running: boolean;
  /** The `stats` command's counters (curr_items, get_hits, get_misses, cmd_set, ...). */
  stats(): Promise<Record<string, number>>;
  /** Stops the server; the port stays reserved for `resume`. */
  halt(): Promise<void>;
  /** Starts it again on the same port, empty. */
  resume(): Promise<void>;
  /** Stops for good. */
  stop(): Promise<void>;
}

export interface MemcachedTestServerOptions {
  /** Memory limit in MB (memcached -m). */
  memoryMb?: number;
  /** Largest item in bytes (memcached -I); memcached's default is 1 MB. */
  maxItemSize?: number;
}

export async function startMemcached(options: MemcachedTestServerOptions = {}): Promise<MemcachedTestServer> {
  const binary = memcachedBinary();
  const port = await freeLoopbackPort();
  const daemon = new Daemon('memcached', binary);

  const launch = async (): Promise<void> => {
    const args = ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', String(options.memoryMb ?? 64)];
    if (options.maxItemSize) args.push('-I', String(options.maxItemSize));
    // memcached refuses to run as root unless told which user to be.
    if (process.getuid?.() === 0) args.push('-u', 'root');
    await daemon.start(args, () => canConnect(port), `listen on port ${port}`);
  };

  const halt = (): Promise<void> => daemon.stop();

  await launch();
  return {
    address: `127.0.0.1:${port}`,
    port,
    get running() {
      return daemon.running;
    },
    async stats() {
      const lines = await memcachedCommand(port, 'stats');
      const out: Record<string, number> = {};
      for (const line of lines) {
        const m = /^STAT (\S+) (\S+)$/.exec(line);
        if (m && /^-?\d+(\.\d+)?$/.test(m[2]!)) out[m[1]!] = Number(m[2]);
      }
      return out;
    },
    halt,
    async resume() {
      if (!daemon.running) await launch();
    },
    stop: halt,
  };
}
