// The positions file: how far each file has been read, in Promtail's
// format so that an agent can take over from Promtail (and back):
//
//   positions:
//     /var/log/pods/ns_pod_uid/app/0.log: "12345"
//
// The file is written atomically (temporary file, fsync, rename) soon after
// an offset moves, every `sync_period` and when the agent stops. Offsets
// only ever reach it once the lines before them were accepted by the
// server, so after a crash the agent re-reads (and re-sends) at most what
// was in flight. Writing only every `sync_period`, as Promtail does, would
// also re-send everything accepted since the last write, and leave the
// offset of a file that has since been rotated to be applied to its
// successor. Writes are coalesced: one at a time, the next one carrying
// every change made meanwhile, so a busy agent writes about once per
// accepted batch and an idle one not at all.
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Logger } from '../../../util/log.js';

const CURSOR_PREFIX = 'cursor-';
const JOURNAL_PREFIX = 'journal-';

export class PositionsError extends Error {
  override name = 'PositionsError';
}

export interface PositionsOptions {
  readonly filename: string;
  /** How often the file is written, in milliseconds. */
  readonly syncPeriodMs: number;
  readonly ignoreInvalidYaml: boolean;
  /** Dry runs read positions but never write them. */
  readonly readOnly: boolean;
}

function parsePositions(text: string, file: string, ignoreInvalid: boolean, logger: Logger): Map<string, string> {
  let doc: unknown;
  try {
    doc = parse(text, { version: '1.1' });
    if (doc !== null && doc !== undefined) {
      if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('expected a mapping');
      for (const key of Object.keys(doc)) {
        if (key !== 'positions') throw new Error(`field ${key} not found in type positions.File`);
      }
      const positions = (doc as { positions?: unknown }).positions;
      if (
        positions !== null &&
        positions !== undefined &&
        (typeof positions !== 'object' || Array.isArray(positions))
      ) {
        throw new Error('positions must be a mapping of paths to offsets');
      }
    }
  } catch (err) {
    if (ignoreInvalid) {
      logger.debug('ignoring invalid positions file', { file, error: (err as Error).message });
      return new Map();
    }
    throw new PositionsError(`invalid yaml positions file [${file}]: ${(err as Error).message}`);
  }
  const out = new Map<string, string>();
  const positions = (doc as { positions?: Record<string, unknown> } | null)?.positions ?? {};
  for (const [k, v] of Object.entries(positions)) out.set(k, v === null || v === undefined ? '' : String(v));
  return out;
}

/** The YAML form of a path as a mapping key, as the `yaml` package writes it (cached: paths recur). */
const renderedKeys = new Map<string, string | null>();
const YAML_OPTIONS = { version: '1.1', lineWidth: 0 } as const;
const NUMERIC = /^-?\d+$/;

function renderKey(path: string): string | null {
  let key = renderedKeys.get(path);
  if (key === undefined) {
    const line = stringify({ [path]: '0' }, YAML_OPTIONS);
    // Only a one-line `key: "0"` is reused; anything fancier is left to the full renderer.
    key =
      line.endsWith(': "0"\n') && !line.startsWith('?') && line.indexOf('\n') === line.length - 1
        ? line.slice(0, -6)
        : null;
    if (renderedKeys.size > 100_000) renderedKeys.clear();
    renderedKeys.set(path, key);
  }
  return key;
}

/** The file's text: what `stringify` would write, built directly in the usual case (offsets only). */
export function renderPositions(positions: ReadonlyMap<string, string>): string {
  const sorted = [...positions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (sorted.length > 0) {
    let text = 'positions:\n';
    for (const [path, value] of sorted) {
      const key = NUMERIC.test(value) ? renderKey(path) : null;
      if (key === null) {
        text = '';
        break;
      }
      text += `  ${key}: "${value}"\n`;
    }
    if (text !== '') return text;
  }
  return stringify({ positions: Object.fromEntries(sorted) }, YAML_OPTIONS);
}

export class Positions {
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  /** A write is queued and has not started yet (later changes ride along). */
  private writeQueued = false;
  private stopped = false;
  /** The last write failed: changes wait for the periodic retry. */
  private failing = false;

  private constructor(
    private readonly options: PositionsOptions,
    private readonly logger: Logger,
    private readonly positions: Map<string, string>,
  ) {}

  /** Reads the positions file (a missing file is an empty one). */
  static async open(options: PositionsOptions, logger: Logger): Promise<Positions> {
    let text: string | undefined;
    try {
      text = await readFile(options.filename, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const positions =
      text === undefined
        ? new Map<string, string>()
        : parsePositions(text, options.filename, options.ignoreInvalidYaml, logger);
    return new Positions(options, logger, positions);
  }

  get syncPeriodMs(): number {
    return this.options.syncPeriodMs;
  }

  /** The saved offset of a file; 0 when there is none. Throws for an entry that is not a number. */
  get(path: string): number {
    const s = this.positions.get(path);
    if (s === undefined) return 0;
    if (!/^[-+]?\d+$/.test(s))
      throw new PositionsError(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
    return Number(s);
  }

  getString(path: string): string | undefined {
    return this.positions.get(path);
  }

  put(path: string, offset: number): void {
    const s = String(offset);
    if (this.positions.get(path) === s) return;
    this.positions.set(path, s);
    this.changed();
  }

  remove(path: string): void {
    if (this.positions.delete(path)) this.changed();
  }

  /** Marks the file stale and queues a write unless one is queued already. */
  private changed(): void {
    this.dirty = true;
    if (this.writeQueued || this.stopped || this.failing || this.options.readOnly) return;
    this.writeQueued = true;
    this.saving = this.saving.then(() => {
      this.writeQueued = false;
      return this.write(false);
    });
  }

  /** Everything known, for the /targets view and tests. */
  entries(): Array<[string, string]> {
    return [...this.positions];
  }

  /** Starts writing the file every sync period (and forgetting files that no longer exist). */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      void this.sync();
    }, this.options.syncPeriodMs);
    this.timer.unref();
  }

  private async sync(): Promise<void> {
    await this.save();
    await this.cleanup();
  }

  /** Promtail forgets the positions of files that were deleted. */
  private async cleanup(): Promise<void> {
    for (const path of [...this.positions.keys()]) {
      if (path.startsWith(CURSOR_PREFIX) || path.startsWith(JOURNAL_PREFIX)) continue;
      try {
        await stat(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') this.remove(path);
        else {
          this.logger.warn('could not determine if log file still exists while cleaning positions file', {
            error: (err as Error).message,
          });
        }
      }
    }
  }

  /** Writes the file now if anything changed (saves are serialised). */
  save(): Promise<void> {
    this.saving = this.saving.then(() => this.write(true));
    return this.saving;
  }

  /**
   * `durable`: the rename itself is synced too (periodic and final writes).
   * The writes made as offsets move skip that: they are there for crashes of
   * the process, which the page cache survives, and should the machine lose
   * power first, the file is still whole, only older (lines are sent again,
   * none lost).
   */
  private async write(durable: boolean): Promise<void> {
    if (this.options.readOnly || !this.dirty) return;
    this.dirty = false;
    const text = renderPositions(this.positions);
    try {
      await writeAtomically(this.options.filename, text, durable);
      this.failing = false;
    } catch (err) {
      this.dirty = true;
      // Retried every sync period rather than at every change, which would repeat the error at the batch rate.
      this.failing = true;
      this.logger.error('error writing positions file', { error: (err as Error).message });
    }
  }

  /** Stops the timer and writes the final positions. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.save();
  }
}

/**
 * Writes a file so that readers see either the old or the new content, even
 * across a crash; with `durable` the new content is also sure to be the one
 * seen after a power loss.
 */
export async function writeAtomically(filename: string, content: string, durable = true): Promise<void> {
  const dir = dirname(filename);
  const tmp = join(dir, `.${basename(filename)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(tmp, 'w', 0o600);
  } catch (err) {
    // The directory is created on the first write only, not looked for at every one.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await mkdir(dir, { recursive: true });
    fh = await open(tmp, 'w', 0o600);
  }
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, filename);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  if (!durable) return;
  // Make the rename itself durable.
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Some filesystems cannot fsync a directory; the rename is still atomic.
  }
}
