// One log entry on its way through a pipeline to the clients.
//
// Lines read from files stay the bytes they were read as unless a stage
// needs text; they are kept as a range of the read buffer, made a Buffer of
// their own only when asked for. The extracted-data map that stages share is
// only built when a stage first asks for it: an entry that goes through no
// stage costs one object.
import type { Label } from '../../util/labels.js';
import type { LabelSet } from '../labels/label-set.js';
import { type Ack, NO_ACK } from './ack.js';
import type { Timestamp } from './clock.js';

const NO_METADATA: Label[] = [];

/**
 * Takes a line read from a file, buf[start, end), without an entry object
 * (the sources' fast path when no pipeline stage runs): it must copy what it
 * keeps before returning, since the buffer is reused.
 */
export type LineHandler = (
  labels: LabelSet,
  sec: number,
  nanos: number,
  buf: Buffer,
  start: number,
  end: number,
  ack: Ack,
) => void;

/**
 * Values a stage extracted without building the extracted-data map: they
 * are written into it only if a later stage reads it.
 */
export interface DeferredValues {
  applyTo(map: Map<string, unknown>): void;
  has(name: string): boolean;
}

export class LogEntry implements Timestamp {
  sec: number;
  nanos: number;
  labels: LabelSet;
  ack: Ack;
  private metadata: Label[] = NO_METADATA;
  private text: string | undefined;
  /** The line's bytes are bytes[start, end) when bytes is set. */
  private bytes: Buffer | undefined;
  private start = 0;
  private end = 0;
  /** The labels the extracted map starts from (Promtail copies them in when the pipeline starts). */
  private seed: LabelSet;
  private extractedMap: Map<string, unknown> | undefined;
  /** Values extracted without building the map yet; applied when the map is built. */
  private pending: DeferredValues | undefined;

  private constructor(labels: LabelSet, ts: Timestamp, ack: Ack) {
    this.labels = labels;
    this.seed = labels;
    this.sec = ts.sec;
    this.nanos = ts.nanos;
    this.ack = ack;
  }

  static fromBytes(labels: LabelSet, ts: Timestamp, line: Buffer, ack: Ack = NO_ACK): LogEntry {
    const e = new LogEntry(labels, ts, ack);
    e.bytes = line;
    e.end = line.length;
    return e;
  }

  /** An entry whose line is buf[start, end), without making a slice of it yet. */
  static fromSlice(labels: LabelSet, ts: Timestamp, buf: Buffer, start: number, end: number, ack: Ack): LogEntry {
    const e = new LogEntry(labels, ts, ack);
    e.bytes = buf;
    e.start = start;
    e.end = end;
    return e;
  }

  static fromText(labels: LabelSet, ts: Timestamp, line: string, ack: Ack = NO_ACK): LogEntry {
    const e = new LogEntry(labels, ts, ack);
    e.text = line;
    return e;
  }

  /** The line as text (UTF-8 decoded once, on first use). */
  get lineText(): string {
    if (this.text === undefined) this.text = this.bytes!.toString('utf8', this.start, this.end);
    return this.text;
  }

  set lineText(value: string) {
    this.text = value;
    this.bytes = undefined;
  }

  /** The line as UTF-8 bytes (encoded once, on first use). */
  get line(): Buffer {
    let bytes = this.bytes;
    if (bytes === undefined) {
      bytes = Buffer.from(this.text!, 'utf8');
      this.start = 0;
      this.end = bytes.length;
    } else if (this.start !== 0 || this.end !== bytes.length) {
      bytes = bytes.subarray(this.start, this.end);
      this.start = 0;
      this.end = bytes.length;
    }
    this.bytes = bytes;
    return bytes;
  }

  set line(value: Buffer) {
    this.bytes = value;
    this.start = 0;
    this.end = value.length;
    this.text = undefined;
  }

  /** Length of the line in bytes, as Promtail's len(line). */
  get lineBytes(): number {
    return this.bytes !== undefined ? this.end - this.start : Buffer.byteLength(this.text!, 'utf8');
  }

  /**
   * The buffer the line's bytes are in, from lineStart on (lineBytes of
   * them), for copying them without making a Buffer of the line first.
   */
  get lineBuffer(): Buffer {
    if (this.bytes === undefined) return this.line;
    return this.bytes;
  }

  /** Where the line starts in lineBuffer (read lineBuffer first). */
  get lineStart(): number {
    return this.start;
  }

  get structuredMetadata(): Label[] {
    return this.metadata;
  }

  addStructuredMetadata(name: string, value: string): void {
    if (this.metadata === NO_METADATA) this.metadata = [];
    this.metadata.push({ name, value });
  }

  setStructuredMetadata(labels: readonly Label[]): void {
    this.metadata = labels.length === 0 ? NO_METADATA : [...labels];
  }

  setTimestamp(ts: Timestamp): void {
    this.sec = ts.sec;
    this.nanos = ts.nanos;
  }

  /** The values stages extracted, starting with the entry's labels. */
  extracted(): Map<string, unknown> {
    if (this.extractedMap === undefined) {
      const map = new Map<string, unknown>();
      this.seed.forEach((name, value) => {
        map.set(name, value);
      });
      if (this.pending !== undefined) {
        this.pending.applyTo(map);
        this.pending = undefined;
      }
      this.extractedMap = map;
    }
    return this.extractedMap;
  }

  /**
   * Records extracted values for when a later stage reads them. Stages on
   * the hot path (cri) use this so that entries no stage inspects never
   * build a map.
   */
  deferExtracted(values: DeferredValues): void {
    if (this.extractedMap === undefined && this.pending === undefined) this.pending = values;
    else values.applyTo(this.extracted());
  }

  /** Whether `name` is among the extracted values, without building the map. */
  hasExtractedValue(name: string): boolean {
    if (this.extractedMap !== undefined) return this.extractedMap.has(name);
    return this.pending?.has(name) === true || this.seed.has(name);
  }

  /** Whether any stage touched the extracted map (cheap check for fast paths). */
  get hasExtracted(): boolean {
    return this.extractedMap !== undefined;
  }

  /** A pipeline (or nested pipeline) starts: the current labels are copied into the extracted map. */
  enterPipeline(): void {
    if (this.extractedMap === undefined) {
      if (this.labels === this.seed) return;
      this.extracted();
    }
    const map = this.extractedMap!;
    this.labels.forEach((name, value) => {
      map.set(name, value);
    });
  }

  /** A new entry with this one's labels, timestamp and a copy of its extracted values (multiline blocks). */
  derive(line: string, ack: Ack): LogEntry {
    const e = LogEntry.fromText(this.labels, this, line, ack);
    e.seed = this.seed;
    if (this.extractedMap !== undefined) e.extractedMap = new Map(this.extractedMap);
    else e.pending = this.pending;
    return e;
  }
}
