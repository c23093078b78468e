// Reading lines from one open file: large positional reads into fresh
// Buffers, lines found with Buffer.indexOf and handed on as slices of the
// read buffer (no copy, no decoding). A line without its newline yet waits
// for the next read. Each line carries an acknowledgement that commits the
// offset after it once it (and every line before it) was delivered.
import type { FileHandle } from 'node:fs/promises';
import type { TextDecoder } from 'node:util';
import type { LabelSet } from '../../labels/label-set.js';
import type { Timestamp } from '../../pipeline/clock.js';
import { Stamper } from '../../pipeline/clock.js';
import { LogEntry } from '../../pipeline/entry.js';
import { OffsetTracker } from './offset-tracker.js';

const NEWLINE = 0x0a;

export interface ReaderSettings {
  readonly labels: LabelSet;
  readonly handle: (entry: LogEntry) => void;
  /** Bytes per read. */
  readonly readSize: number;
  /** A longer line is cut at this many bytes; the rest up to its newline is skipped. */
  readonly maxLineBytes: number;
  /** Converts lines from the file's encoding (undefined: UTF-8, passed through as bytes). */
  readonly decoder: TextDecoder | undefined;
  /** Called when a line was cut (once per such line). */
  readonly onLongLine: (length: number) => void;
}

export interface ReadResult {
  /** Bytes read from the file. */
  bytes: number;
  lines: number;
  /** The read stopped short of its size: the end of the file was reached. */
  eof: boolean;
}

/** One opened instance of a file (a rotation or truncation starts a new one). */
export class FileReader {
  /** Offset of the next byte to read. */
  offset: number;
  private carry: Buffer | undefined;
  /** Skipping the rest of an over-long line up to its newline. */
  private skipping = false;
  private readonly stamper = new Stamper();
  private readonly ts: Timestamp = { sec: 0, nanos: 0 };
  readonly tracker: OffsetTracker;

  constructor(
    readonly fh: FileHandle,
    /** Device and inode, to recognise the file behind the path. */
    readonly dev: number,
    readonly ino: number,
    start: number,
    private readonly settings: ReaderSettings,
    onCommit: (offset: number) => void,
  ) {
    this.offset = start;
    this.tracker = new OffsetTracker(start, onCommit);
  }

  /** Bytes of an incomplete last line waiting for its newline. */
  get pendingBytes(): number {
    return this.carry?.length ?? 0;
  }

  /** Reads once at the current offset; returns zero bytes at the end of the file. */
  async readOnce(): Promise<ReadResult> {
    const carryLen = this.carry?.length ?? 0;
    // A long partial line doubles the read size, so that it is copied a logarithmic number of times.
    const size = Math.max(this.settings.readSize, carryLen);
    const buf = Buffer.allocUnsafe(carryLen + size);
    if (carryLen > 0) this.carry!.copy(buf, 0);
    const { bytesRead } = await this.fh.read(buf, carryLen, size, this.offset);
    if (bytesRead === 0) return { bytes: 0, lines: 0, eof: true };
    const bufferStart = this.offset - carryLen;
    this.offset += bytesRead;
    const lines = this.split(buf, carryLen + bytesRead, bufferStart);
    return { bytes: bytesRead, lines, eof: bytesRead < size };
  }

  /** Hands on the complete lines of buf[0..end); keeps the incomplete rest. Returns the line count. */
  private split(buf: Buffer, end: number, bufferStart: number): number {
    const last = end === 0 ? -1 : buf.lastIndexOf(NEWLINE, end - 1);
    if (last < 0) {
      this.keepPartial(buf, 0, end, bufferStart);
      return 0;
    }
    const { labels, handle, decoder, maxLineBytes } = this.settings;
    const tracker = this.tracker;
    this.stamper.begin();
    let start = 0;
    let count = 0;
    while (start <= last) {
      const nl = buf.indexOf(NEWLINE, start);
      if (this.skipping) {
        // The tail of an over-long line cut earlier: its position is committed with this line end.
        this.skipping = false;
        tracker.begin(bufferStart + nl + 1).done();
        start = nl + 1;
        continue;
      }
      let lineEnd = nl;
      if (lineEnd - start > maxLineBytes) {
        this.settings.onLongLine(lineEnd - start);
        lineEnd = start + maxLineBytes;
      }
      this.stamper.advance(this.ts);
      const ack = tracker.begin(bufferStart + nl + 1);
      const slice = buf.subarray(start, lineEnd);
      const entry =
        decoder === undefined
          ? LogEntry.fromBytes(labels, this.ts, slice, ack)
          : LogEntry.fromText(labels, this.ts, decoder.decode(slice), ack);
      count++;
      handle(entry);
      start = nl + 1;
    }
    this.keepPartial(buf, last + 1, end, bufferStart);
    return count;
  }

  private keepPartial(buf: Buffer, from: number, end: number, bufferStart: number): void {
    if (from >= end || this.skipping) {
      this.carry = undefined;
      return;
    }
    const length = end - from;
    if (length > this.settings.maxLineBytes) {
      // Emit the first maxLineBytes now and skip the rest of the line as it arrives. Its
      // acknowledgement commits everything read so far: after a restart the rest of the
      // line would be read as a line of its own rather than lost.
      this.settings.onLongLine(length);
      this.stamper.advance(this.ts);
      const ack = this.tracker.begin(bufferStart + end);
      const head = Buffer.from(buf.subarray(from, from + this.settings.maxLineBytes));
      const { labels, decoder } = this.settings;
      this.settings.handle(
        decoder === undefined
          ? LogEntry.fromBytes(labels, this.ts, head, ack)
          : LogEntry.fromText(labels, this.ts, decoder.decode(head), ack),
      );
      this.skipping = true;
      this.carry = undefined;
      return;
    }
    // Copy: the read buffer may be large and the partial line is usually short.
    this.carry = Buffer.from(buf.subarray(from, end));
  }

  /** The incomplete last line, as an entry, when the file will not grow any more (rotated away, deleted). */
  takePartial(): LogEntry | undefined {
    const carry = this.carry;
    this.carry = undefined;
    if (carry === undefined || carry.length === 0 || this.skipping) return undefined;
    this.stamper.advance(this.ts);
    const { labels, decoder } = this.settings;
    return decoder === undefined
      ? LogEntry.fromBytes(labels, this.ts, carry)
      : LogEntry.fromText(labels, this.ts, decoder.decode(carry));
  }

  /** Starts over at the beginning (the file was truncated). */
  rewind(): void {
    this.offset = 0;
    this.carry = undefined;
    this.skipping = false;
  }
}
