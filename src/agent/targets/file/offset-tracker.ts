// Which prefix of a file has been delivered.
//
// Every line handed out carries an acknowledgement that knows where the
// line ends in the file. Lines can be acknowledged out of order (they may go
// to different tenants or clients, or be retried), so the committed offset
// is the end of the longest run of acknowledged lines from the start:
// everything before it is safe to skip after a restart, and nothing after it
// was lost. Committing is coalesced: a batch acknowledging hundreds of lines
// moves the offset once.
import type { Ack } from '../../pipeline/ack.js';

export class LineAck implements Ack {
  /** Holders still to finish (more than one when the line went to several clients). */
  refs = 1;

  constructor(
    private readonly tracker: OffsetTracker,
    /** File offset just after the line (its newline included). */
    readonly end: number,
  ) {}

  retain(count: number): void {
    this.refs += count;
  }

  done(): void {
    if (this.refs <= 0) return;
    if (--this.refs === 0) this.tracker.lineCompleted();
  }
}

export class OffsetTracker {
  private readonly lines: LineAck[] = [];
  private head = 0;
  private committedOffset: number;
  private scheduled = false;

  constructor(
    start: number,
    private readonly onCommit: (offset: number) => void,
  ) {
    this.committedOffset = start;
  }

  get committed(): number {
    return this.committedOffset;
  }

  /** Lines handed out and not yet delivered. */
  get pending(): number {
    return this.lines.length - this.head;
  }

  /** The acknowledgement of the next line, which ends at `end`. */
  begin(end: number): LineAck {
    const ack = new LineAck(this, end);
    this.lines.push(ack);
    return ack;
  }

  /** @internal A line's last holder finished; the offset moves in a microtask. */
  lineCompleted(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.advance());
  }

  private advance(): void {
    this.scheduled = false;
    const start = this.head;
    while (this.head < this.lines.length && this.lines[this.head]!.refs === 0) this.head++;
    if (this.head === start) return;
    this.committedOffset = this.lines[this.head - 1]!.end;
    if (this.head === this.lines.length) {
      this.lines.length = 0;
      this.head = 0;
    } else if (this.head > 4096) {
      this.lines.splice(0, this.head);
      this.head = 0;
    }
    this.onCommit(this.committedOffset);
  }
}
