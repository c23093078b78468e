// Which prefix of a file has been delivered.
//
// Every line handed out carries an acknowledgement that knows where the
// lines it covers end in the file. Runs of lines of one read (a few dozen)
// share one acknowledgement, counting a holder per line (and per extra
// client), so that tailing costs no object per line that lives until the
// line was sent.
// Lines can be acknowledged out of order (they may go to different tenants
// or clients, or be retried), so the committed offset is the end of the
// longest run of completed acknowledgements from the start: everything
// before it is safe to skip after a restart, and nothing after it was lost.
// Committing is coalesced: a batch acknowledging hundreds of lines moves the
// offset once.
import type { Ack } from '../../pipeline/ack.js';

export class LineAck implements Ack {
  constructor(
    private readonly tracker: OffsetTracker,
    /**
     * File offset just after the last line covered (its newline included).
     * Set by the reader before it lets go of its own reference.
     */
    public end: number,
    /** Holders still to finish: one per line handed out, and per extra client it went to. */
    public refs: number,
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

  /** Where the last acknowledgement handed out ends (the start offset when there is none). */
  get lastEnd(): number {
    return this.lines.length > this.head ? this.lines[this.lines.length - 1]!.end : this.committedOffset;
  }

  /** Acknowledgements handed out and not yet completed. */
  get pending(): number {
    return this.lines.length - this.head;
  }

  /**
   * The acknowledgement of the next lines, which end at `end`, with `refs`
   * holders. A reader handing out several lines under one acknowledgement
   * starts it with a holder of its own, adds one per line, and finishes its
   * own last, so that it cannot complete while lines are still being handed out.
   */
  begin(end: number, refs = 1): LineAck {
    const ack = new LineAck(this, end, refs);
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
