// Reading lines from one open file: large positional reads into a buffer
// lent by the agent's read pool, lines found with Buffer.indexOf and
// handed on as slices of it (no copy, no decoding). When whoever takes the
// lines may keep them past the call (pipeline stages that hold entries,
// rate limits that delay them), what was read is first copied into a buffer
// of its own, of the size read. A line without its newline yet waits for
// the next read. Each line carries an acknowledgement that commits the
// offset after it once it (and every line before it) was delivered.
import type { FileHandle } from 'node:fs/promises';
import type { TextDecoder } from 'node:util';
import type { LabelSet } from '../../labels/label-set.js';
import type { Timestamp } from '../../pipeline/clock.js';
import { Stamper } from '../../pipeline/clock.js';
import { type LineHandler, LogEntry } from '../../pipeline/entry.js';
import { type LineAck, OffsetTracker } from './offset-tracker.js';

const NEWLINE = 0x0a;
/**
 * Lines that share one acknowledgement, at most: few enough objects that
 * none per line lives until its batch was sent, and fine enough that the
 * saved offset trails what the server accepted by a few kilobytes at most
 * (what a crash makes the agent send again).
 */
const ACK_MAX_LINES = 64;
const ACK_MAX_BYTES = 16 * 1024;

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
  /**
   * When set, complete lines go here rather than to `handle`, without an
   * entry object each (it copies them: `linesCopied` should then be set).
   * Not used with a decoder.
   */
  readonly handleLine: LineHandler | undefined;
  /**
   * `handle` copies what it keeps of a line before it returns, so lines may
   * be slices of the pooled buffer. Otherwise they get memory of their own.
   */
  readonly linesCopied: boolean;
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

  /**
   * Reads once at the current offset into `pooled` (a read pool's buffer,
   * free again once this resolves); returns zero bytes at the end of the file.
   */
  async readOnce(pooled: Buffer): Promise<ReadResult> {
    const { readSize, linesCopied } = this.settings;
    const carryLen = this.carry?.length ?? 0;
    // The partial line and the read share one buffer; a partial line of more than half of it doubles
    // the buffer (one of its own then), so that a long line is copied a logarithmic number of times.
    const total = Math.min(Math.max(readSize, 2 * carryLen), Math.max(pooled.length, 2 * carryLen));
    const size = total - carryLen;
    const into = total <= pooled.length ? pooled : Buffer.allocUnsafe(total);
    if (carryLen > 0) this.carry!.copy(into, 0);
    const { bytesRead } = await this.fh.read(into, carryLen, size, this.offset);
    if (bytesRead === 0) return { bytes: 0, lines: 0, eof: true };
    const end = carryLen + bytesRead;
    const buf = linesCopied || into !== pooled ? into : Buffer.from(into.subarray(0, end));
    const bufferStart = this.offset - carryLen;
    this.offset += bytesRead;
    const lines = this.split(buf, end, bufferStart);
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
    const handleLine = decoder === undefined ? this.settings.handleLine : undefined;
    const ts = this.ts;
    const tracker = this.tracker;
    // Runs of lines share an acknowledgement; the reader holds it (its first reference) while handing them
    // out, so that it cannot complete early, and sets where the run ends before letting go.
    let ack: LineAck | undefined;
    let ackLines = 0;
    let ackStart = 0;
    this.stamper.begin();
    let start = 0;
    let count = 0;
    try {
      while (start <= last) {
        const nl = buf.indexOf(NEWLINE, start);
        if (this.skipping) {
          // The tail of an over-long line cut earlier: committed with the lines after it.
          this.skipping = false;
          start = nl + 1;
          continue;
        }
        if (ack === undefined) {
          ack = tracker.begin(0);
          ackLines = 0;
          ackStart = start;
        }
        let lineEnd = nl;
        if (lineEnd - start > maxLineBytes) {
          this.settings.onLongLine(lineEnd - start);
          lineEnd = start + maxLineBytes;
        }
        this.stamper.advance(ts);
        ack.retain(1);
        count++;
        if (handleLine !== undefined) handleLine(labels, ts.sec, ts.nanos, buf, start, lineEnd, ack);
        else {
          handle(
            decoder === undefined
              ? LogEntry.fromSlice(labels, ts, buf, start, lineEnd, ack)
              : LogEntry.fromText(labels, ts, decoder.decode(buf.subarray(start, lineEnd)), ack),
          );
        }
        start = nl + 1;
        if (++ackLines >= ACK_MAX_LINES || start - ackStart >= ACK_MAX_BYTES) {
          ack.end = bufferStart + start;
          ack.done();
          ack = undefined;
        }
      }
    } finally {
      // Whatever the read covered up to its last newline, the skipped tail of a long line included.
      if (ack === undefined && start > 0 && tracker.lastEnd < bufferStart + start) ack = tracker.begin(0);
      if (ack !== undefined) {
        ack.end = bufferStart + start;
        ack.done();
      }
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
