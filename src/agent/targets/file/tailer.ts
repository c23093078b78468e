// Following one file path, as `tail -F` does.
//
// The file is polled (Promtail's file_watch_config poll frequencies): new
// data is read in large chunks until the end of the file, unless the
// clients are backed up, in which case reading waits. A shrinking file was
// truncated (copytruncate rotation) and is read again from the start. When
// the path names another file (rename + create rotation), the old file is
// read to its end and kept open for a grace period, in case its writer has
// not switched yet, while the new file is read from its beginning.
//
// The offset saved for the path is the committed offset of the file the
// path currently names: the end of the lines the server has accepted.
import { open, stat } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import type { Logger } from '../../../util/log.js';
import type { FlowControl } from '../../flow-control.js';
import type { LabelSet } from '../../labels/label-set.js';
import type { AgentMetrics } from '../../metrics.js';
import type { LineHandler, LogEntry } from '../../pipeline/entry.js';
import { FileReader, type ReaderSettings } from './file-reader.js';
import type { Positions } from './positions.js';
import { DEFAULT_READ_SIZE, READS_PER_TURN, type ReadPool, sharedReadPool } from './read-pool.js';

export interface TailerOptions {
  readonly path: string;
  /** The target's labels with `filename` (which wins over a target label of that name). */
  readonly labels: LabelSet;
  readonly handle: (entry: LogEntry) => void;
  readonly positions: Positions;
  readonly metrics: AgentMetrics;
  readonly flow: FlowControl;
  readonly logger: Logger;
  readonly pollMinMs: number;
  readonly pollMaxMs: number;
  readonly maxLineBytes: number;
  readonly readSize?: number;
  /** Where read buffers are borrowed from (default: one pool for the process). */
  readonly readPool?: ReadPool;
  /** `handle` copies what it keeps of a line before returning (see ReaderSettings.linesCopied). */
  readonly linesCopied?: boolean;
  /** Takes lines without entry objects (see ReaderSettings.handleLine). */
  readonly handleLine?: LineHandler;
  readonly encoding?: string;
  /** How long a rotated-away file is still read after its last new data. */
  readonly rotatedGraceMs?: number;
}

/** How often a file that keeps growing has its size reported (promtail_file_bytes_total). */
const SIZE_REPORT_INTERVAL_MS = 5000;

/**
 * How long a file that was rotated away (or whose path vanished) is still
 * read after its last new data: the time its writer may take to switch to
 * the new file.
 */
export function rotatedGraceMs(pollMaxMs: number): number {
  return Math.max(1000, 4 * pollMaxMs);
}

interface Draining {
  reader: FileReader;
  lastData: number;
}

export class Tailer {
  private current: FileReader | undefined;
  private readonly draining: Draining[] = [];
  private stopping = false;
  private wake: (() => void) | undefined;
  private loopDone: Promise<void> = Promise.resolve();
  private readonly settings: ReaderSettings;
  private readonly pool: ReadPool;
  private longLineWarned = false;
  private lastSizeReport = 0;

  private constructor(private readonly o: TailerOptions) {
    this.pool = o.readPool ?? sharedReadPool;
    this.settings = {
      labels: o.labels,
      handle: o.handle,
      readSize: o.readSize ?? DEFAULT_READ_SIZE,
      linesCopied: o.linesCopied === true,
      handleLine: o.handleLine,
      maxLineBytes: o.maxLineBytes,
      decoder: o.encoding ? new TextDecoder(o.encoding) : undefined,
      onLongLine: (length) => {
        if (this.longLineWarned) return;
        this.longLineWarned = true;
        o.logger.warn('line longer than the limit cut short; further cuts in this file are not logged', {
          path: o.path,
          length,
          limit: o.maxLineBytes,
        });
      },
    };
  }

  get path(): string {
    return this.o.path;
  }

  get running(): boolean {
    return !this.stopping;
  }

  /** Bytes read from the current file. */
  get readOffset(): number {
    return this.current?.offset ?? 0;
  }

  /** Offset of the current file up to which everything was delivered. */
  get committedOffset(): number {
    return this.current?.tracker.committed ?? 0;
  }

  /** Opens the file at its saved position and starts following it. */
  static async start(o: TailerOptions): Promise<Tailer> {
    const t = new Tailer(o);
    await t.openCurrent(true);
    o.metrics.filesActive.inc();
    o.logger.info('tail routine: started', { path: o.path });
    t.loopDone = t.loop();
    return t;
  }

  private async openCurrent(fromPosition: boolean): Promise<void> {
    const fh = await open(this.o.path, 'r');
    let st: Awaited<ReturnType<typeof fh.stat>>;
    try {
      st = await fh.stat();
    } catch (err) {
      await fh.close();
      throw err;
    }
    let start = 0;
    if (fromPosition) {
      start = this.o.positions.get(this.o.path);
      if (st.size < start) {
        // The file is shorter than where we were: it was replaced or truncated while we were away.
        this.o.positions.remove(this.o.path);
        start = 0;
      }
    }
    const reader: FileReader = new FileReader(fh, st.dev, st.ino, start, this.settings, (offset) => {
      if (reader === this.current) this.o.positions.put(this.o.path, offset);
    });
    this.current = reader;
    this.o.positions.put(this.o.path, start);
  }

  private async loop(): Promise<void> {
    let interval = this.o.pollMinMs;
    while (!this.stopping) {
      let progressed = false;
      try {
        progressed = await this.poll();
      } catch (err) {
        this.o.logger.error('tail routine: error reading file', { path: this.o.path, error: (err as Error).message });
      }
      interval = progressed ? this.o.pollMinMs : Math.min(interval * 2, this.o.pollMaxMs);
      if (this.stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, interval);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /**
   * Reads what is new; returns whether anything was read. The open file's
   * size says whether there is anything (no read, and no read buffer, for a
   * file that did not grow) or whether it was truncated. Only a poll that
   * found nothing looks for rotation: a file that still grows was not
   * rotated (its old name keeps receiving data until the writer switches).
   */
  private async poll(): Promise<boolean> {
    let progressed = false;
    const reader = this.current;
    if (reader !== undefined) {
      const st = await reader.fh.stat();
      const now = Date.now();
      if (st.size < reader.offset) {
        this.o.logger.info('Re-opening truncated file', { path: this.o.path });
        reader.rewind();
        // A new tracker: what the old content still has in flight no longer moves the position.
        this.replaceCurrent(reader.fh, st.dev, st.ino);
        progressed = (await this.readToEnd(this.current!)) > 0;
      } else if (st.size > reader.offset) {
        progressed = (await this.readToEnd(reader)) > 0;
      }
      if (!progressed || now - this.lastSizeReport >= SIZE_REPORT_INTERVAL_MS) {
        this.lastSizeReport = now;
        this.o.metrics.fileBytes.set({ path: this.o.path }, st.size);
      }
      if (!progressed) progressed = await this.checkRotation(reader);
      this.o.metrics.readBytes.set({ path: this.o.path }, this.current?.offset ?? 0);
    }
    progressed = (await this.pollDraining()) || progressed;
    return progressed;
  }

  /** After a truncation the same handle is read from the start with fresh delivery tracking. */
  private replaceCurrent(fh: FileReader['fh'], dev: number, ino: number): void {
    const reader: FileReader = new FileReader(fh, dev, ino, 0, this.settings, (offset) => {
      if (reader === this.current) this.o.positions.put(this.o.path, offset);
    });
    this.current = reader;
    this.o.positions.put(this.o.path, 0);
  }

  /** A different file at the path: finish the old one in the background and start on the new one. */
  private async checkRotation(reader: FileReader): Promise<boolean> {
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(this.o.path);
    } catch {
      // Deleted and not (yet) replaced: keep reading what the handle still holds.
      return false;
    }
    if (st.ino === reader.ino && st.dev === reader.dev) return false;
    this.o.logger.info('Re-opening moved/deleted file', { path: this.o.path });
    await this.readToEnd(reader);
    this.draining.push({ reader, lastData: Date.now() });
    try {
      await this.openCurrent(false);
    } catch (err) {
      this.current = undefined;
      this.o.logger.warn('could not open the new file at the path', {
        path: this.o.path,
        error: (err as Error).message,
      });
      return true;
    }
    await this.readToEnd(this.current!);
    return true;
  }

  private async pollDraining(): Promise<boolean> {
    let progressed = false;
    const grace = this.o.rotatedGraceMs ?? rotatedGraceMs(this.o.pollMaxMs);
    for (let i = this.draining.length - 1; i >= 0; i--) {
      const d = this.draining[i]!;
      if ((await this.readToEnd(d.reader)) > 0) {
        d.lastData = Date.now();
        progressed = true;
      } else if (Date.now() - d.lastData >= grace || this.stopping) {
        this.draining.splice(i, 1);
        await this.finish(d.reader);
      }
    }
    return progressed;
  }

  /**
   * Reads until the end of the file, pausing while the clients are backed up
   * and giving up when the tailer stops; returns the bytes read. A `final`
   * read (the file is going away) reads everything regardless.
   */
  private async readToEnd(reader: FileReader, final = false): Promise<number> {
    const pool = this.pool;
    let total = 0;
    // A turn at the read pool: its buffer, and the reads made with it.
    let buf: Buffer | undefined;
    let reads = 0;
    try {
      for (;;) {
        if (!final && this.o.flow.congested) {
          // Nobody reads while the clients are backed up, so the turn goes back meanwhile.
          if (buf !== undefined) pool.release(buf);
          buf = undefined;
          await this.o.flow.waitForRoom();
          if (this.stopping) return total;
          continue;
        }
        if (buf === undefined) {
          buf = pool.tryAcquire() ?? (await pool.acquire());
          reads = 0;
          if (!final && this.stopping) return total;
          continue; // the clients may have backed up while this tailer waited for its turn
        }
        const { bytes, lines, eof } = await reader.readOnce(buf);
        total += bytes;
        if (lines > 0) this.o.metrics.readLines.inc({ path: this.o.path }, lines);
        if (eof || (!final && this.stopping)) return total;
        if (++reads >= READS_PER_TURN && pool.contended) {
          pool.release(buf);
          buf = undefined;
        }
      }
    } finally {
      if (buf !== undefined) pool.release(buf);
    }
  }

  /** A file that will not grow again: its unfinished last line is sent as it is, then it is closed. */
  private async finish(reader: FileReader): Promise<void> {
    const last = reader.takePartial();
    if (last !== undefined) this.o.handle(last);
    await reader.fh.close().catch(() => {});
  }

  /**
   * Stops following the file. With `fileGone` (the file no longer matches
   * or was deleted) what is left in it is read and sent first, including an
   * unfinished last line.
   */
  async stop(fileGone = false): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wake?.();
    // A read waiting for the clients to catch up must notice the stop too.
    this.o.flow.wakeAll();
    await this.loopDone;
    const current = this.current;
    if (current !== undefined) {
      if (fileGone) {
        await this.readToEnd(current, true).catch(() => 0);
        await this.finish(current);
      } else {
        await current.fh.close().catch(() => {});
      }
    }
    // Rotated-away files are not followed after a restart: read them to the end now.
    for (const d of this.draining.splice(0)) {
      await this.readToEnd(d.reader, true).catch(() => 0);
      await this.finish(d.reader);
    }
    this.o.metrics.filesActive.dec();
    this.o.metrics.readLines.remove({ path: this.o.path });
    this.o.metrics.readBytes.remove({ path: this.o.path });
    this.o.metrics.fileBytes.remove({ path: this.o.path });
    this.o.logger.info('stopped tailing file', { path: this.o.path });
  }
}
