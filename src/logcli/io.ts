// Where `skald query` writes, and how it reports on stderr: like logcli, which
// uses Go's standard logger (`2006/01/02 15:04:05 message`, local time) for
// everything that is not a result, and log.Fatal (message, exit status 1) for
// errors that end the command.
import { formatTimestamp } from './format/time-layout.js';
import type { TimeZone } from './format/time-zone.js';

/** A text sink such as process.stdout; `once('drain')` is used for backpressure when present. */
export interface TextOutput {
  write(text: string): boolean | undefined;
  isTTY?: boolean;
  columns?: number;
  once?(event: 'drain', listener: () => void): unknown;
}

export interface LogcliIO {
  stdout: TextOutput;
  stderr: TextOutput;
  /** Read by `fmt`. */
  stdin?: AsyncIterable<string | Buffer>;
  /** Ends `--tail` (as SIGINT does for logcli). Without one, SIGINT and SIGTERM are watched. */
  signal?: AbortSignal;
}

/** Writes `text`, waiting for the sink to drain when it asks to. */
export async function writeText(out: TextOutput, text: string): Promise<void> {
  if (text === '') return;
  const ok = out.write(text);
  if (ok === false && out.once) await new Promise<void>((resolve) => out.once!('drain', resolve));
}

/** An error that ends the command as log.Fatal does: the message on stderr and exit status 1. */
export class FatalError extends Error {}

/**
 * Go's standard logger writing to stderr. It can also keep a status line (a
 * progress bar) at the bottom of a terminal: log lines are written above it.
 */
export class StdLogger {
  private status = '';

  constructor(
    private readonly stderr: TextOutput,
    private readonly zone: TimeZone,
    private readonly now: () => number = Date.now,
  ) {}

  /** The line as the logger writes it: prefixed and ending in exactly one newline. */
  line(message: string): string {
    const prefix = formatTimestamp(BigInt(this.now()) * 1_000_000n, this.zone, 'logprefix');
    return `${prefix} ${message}${message.endsWith('\n') ? '' : '\n'}`;
  }

  /** log.Print / log.Printf / log.Println of a message. */
  print(message: string): void {
    this.raw(this.line(message));
  }

  /** Text for stderr without the prefix (statistics tables). */
  raw(text: string): void {
    this.stderr.write(this.status === '' ? text : `\r\x1b[K${text}${this.status}`);
  }

  /** Shows (or, with '', removes) the status line. */
  setStatus(text: string): void {
    if (text === this.status) return;
    this.stderr.write(`\r\x1b[K${text}`);
    this.status = text;
  }
}
