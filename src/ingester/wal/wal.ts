// The write-ahead log of the ingester.
//
// Every push is appended here before it is acknowledged, so a crash (even
// kill -9) loses nothing that a client was told was stored. Appends from
// concurrent pushes are written together (group commit). The log is a
// directory of numbered segment files; a checkpoint-N file holds the state of
// all in-memory streams as of the start of segment N, after which older
// segments are deleted, so replay time stays bounded.
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readRecords, type WalRecord } from './record.js';

const SEGMENT_PREFIX = 'segment-';
const CHECKPOINT_PREFIX = 'checkpoint-';
const DEFAULT_SEGMENT_SIZE = 128 << 20;

function pad(n: number): string {
  return String(n).padStart(8, '0');
}

function numbered(names: string[], prefix: string): number[] {
  const out: number[] = [];
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const rest = n.slice(prefix.length);
    if (/^\d{8}$/.test(rest)) out.push(Number(rest));
  }
  return out.sort((a, b) => a - b);
}

export interface ReplayProblem {
  file: string;
  error: string;
}

export interface ReplaySource {
  /** Records of the newest checkpoint, then of every later segment, in order. */
  records: AsyncIterable<WalRecord>;
  problems: ReplayProblem[];
}

interface Pending {
  kind: 'data';
  buf: Buffer;
  resolve: () => void;
  reject: (err: Error) => void;
}
interface Rotation {
  kind: 'rotate';
  segment: number;
}

export interface WalOptions {
  segmentSize?: number;
  /** Called with each write's byte count (metrics). */
  onWrite?: (bytes: number) => void;
}

export class WriteAheadLog {
  private segment = 0;
  private fh: FileHandle | null = null;
  private segmentBytes = 0;
  private queue: Array<Pending | Rotation> = [];
  private writing = false;
  private closed = false;
  private readonly segmentSize: number;
  private readonly onWrite?: (bytes: number) => void;

  private constructor(
    readonly dir: string,
    opts: WalOptions,
  ) {
    this.segmentSize = opts.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    this.onWrite = opts.onWrite;
  }

  /**
   * Opens the WAL directory. Returns the log, positioned on a fresh segment
   * after every existing one, and the records to replay.
   */
  static async open(dir: string, opts: WalOptions = {}): Promise<{ wal: WriteAheadLog; replay: ReplaySource }> {
    await mkdir(dir, { recursive: true });
    const names = await readdir(dir);
    for (const n of names) if (n.endsWith('.tmp')) await rm(join(dir, n), { force: true });
    const segments = numbered(names, SEGMENT_PREFIX);
    const checkpoints = numbered(names, CHECKPOINT_PREFIX);
    const checkpoint = checkpoints.at(-1);
    const replaySegments = segments.filter((s) => checkpoint === undefined || s >= checkpoint);
    const problems: ReplayProblem[] = [];
    async function* records(): AsyncIterable<WalRecord> {
      const files = [
        ...(checkpoint !== undefined ? [`${CHECKPOINT_PREFIX}${pad(checkpoint)}`] : []),
        ...replaySegments.map((s) => `${SEGMENT_PREFIX}${pad(s)}`),
      ];
      for (const f of files) {
        const res = readRecords(await readFile(join(dir, f)));
        if (res.tailError) problems.push({ file: f, error: `${res.tailError} at byte ${res.validBytes}` });
        yield* res.records;
      }
    }
    const wal = new WriteAheadLog(dir, opts);
    wal.segment = Math.max(segments.at(-1) ?? 0, checkpoint ?? 0) + 1;
    return { wal, replay: { records: records(), problems } };
  }

  get currentSegment(): number {
    return this.segment;
  }

  /** Appends framed records; resolves once the bytes are in the segment file. */
  append(buf: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new Error('WAL is closed'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'data', buf, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  /**
   * Starts a new segment: every append made after this call lands in it.
   * Returns its number, which names the checkpoint that can replace the
   * segments before it.
   */
  rotate(): number {
    this.segment++;
    this.queue.push({ kind: 'rotate', segment: this.segment });
    if (!this.writing) void this.drain();
    return this.segment;
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0]!;
        if (head.kind === 'rotate') {
          this.queue.shift();
          await this.closeSegment();
          continue;
        }
        // Group commit: everything queued up to the next rotation goes in one write.
        const batch: Pending[] = [];
        let bytes = 0;
        while (this.queue.length > 0 && this.queue[0]!.kind === 'data') {
          const p = this.queue.shift() as Pending;
          batch.push(p);
          bytes += p.buf.length;
        }
        try {
          const fh = await this.openSegment();
          await writeAll(
            fh,
            batch.map((p) => p.buf),
          );
          this.segmentBytes += bytes;
          this.onWrite?.(bytes);
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(err as Error);
        }
        if (this.segmentBytes >= this.segmentSize && this.queue[0]?.kind !== 'rotate') {
          this.segment++;
          await this.closeSegment();
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async openSegment(): Promise<FileHandle> {
    if (!this.fh) {
      this.fh = await open(join(this.dir, `${SEGMENT_PREFIX}${pad(this.segment)}`), 'a');
      this.segmentBytes = 0;
    }
    return this.fh;
  }

  private async closeSegment(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    if (fh) {
      await fh.datasync();
      await fh.close();
    }
  }

  /**
   * Writes checkpoint `segment` (the state of all streams as of the start of
   * that segment, as framed series records) atomically, then deletes the
   * segments and checkpoints it replaces.
   */
  async writeCheckpoint(segment: number, data: Buffer[]): Promise<void> {
    const name = `${CHECKPOINT_PREFIX}${pad(segment)}`;
    const tmp = join(this.dir, `${name}.tmp`);
    await writeFile(tmp, Buffer.concat(data));
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    await rename(tmp, join(this.dir, name));
    syncDir(this.dir);
    const names = await readdir(this.dir);
    for (const s of numbered(names, SEGMENT_PREFIX))
      if (s < segment) await rm(join(this.dir, `${SEGMENT_PREFIX}${pad(s)}`), { force: true });
    for (const c of numbered(names, CHECKPOINT_PREFIX))
      if (c < segment) await rm(join(this.dir, `${CHECKPOINT_PREFIX}${pad(c)}`), { force: true });
  }

  /** Waits for queued appends and closes the current segment. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.writing || this.queue.length > 0) {
      if (!this.writing) await this.drain();
      else await new Promise((r) => setTimeout(r, 1));
    }
    await this.closeSegment();
  }
}

async function writeAll(fh: FileHandle, bufs: Buffer[]): Promise<void> {
  let rest = bufs;
  while (rest.length > 0) {
    const { bytesWritten } = await fh.writev(rest);
    let n = bytesWritten;
    const next: Buffer[] = [];
    for (const b of rest) {
      if (n >= b.length) {
        n -= b.length;
        continue;
      }
      next.push(n > 0 ? b.subarray(n) : b);
      n = 0;
    }
    rest = next;
  }
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems do not support fsync on directories; the rename is still atomic.
  }
}
