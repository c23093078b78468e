// A service binary run in the foreground for a test (memcached, dnsmasq):
// started and waited for until a readiness check passes, its output kept for
// error messages, stopped with SIGTERM. It can be stopped and started again,
// which the outage tests do.
import { type ChildProcess, spawn } from 'node:child_process';

export class Daemon {
  private child: ChildProcess | null = null;
  private out = '';

  constructor(
    /** The name error messages use. */
    private readonly name: string,
    private readonly binary: string,
  ) {}

  get running(): boolean {
    return this.child !== null;
  }

  /** Everything the process wrote to stdout and stderr, over all its starts. */
  get output(): string {
    return this.out;
  }

  /** Starts the binary and resolves once `ready` holds; a process that exits or stays unready is an error. */
  async start(args: readonly string[], ready: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
    const proc = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.on('data', (d: Buffer) => {
      this.out += d.toString();
    });
    proc.stderr!.on('data', (d: Buffer) => {
      this.out += d.toString();
    });
    this.child = proc;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`${this.name} exited with code ${proc.exitCode}: ${this.out}`);
      if (await ready()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    proc.kill('SIGKILL');
    throw new Error(`${this.name} did not ${what} in time: ${this.out}`);
  }

  /** Stops the process with SIGTERM and waits for it to exit. */
  async stop(): Promise<void> {
    const proc = this.child;
    this.child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    await exited;
  }
}
