// Splitting a syslog TCP stream into messages (RFC 6587). The first byte of
// a connection decides the framing for all of it: `<` means messages end at
// a newline (non-transparent framing), a digit means each message is
// preceded by its length and a space (octet counting).

export class FramingError extends Error {
  override name = 'FramingError';
}

export type Framing = 'newline' | 'octet-counting';

export class SyslogFramer {
  private framing: Framing | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  /** Bytes of an over-long message still to be skipped. */
  private skipping = 0;

  constructor(
    private readonly maxMessageLength: number,
    private readonly onMessage: (message: string) => void,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Feeds bytes from the connection; throws FramingError when the framing is unknown (the connection must close). */
  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    if (this.framing === undefined) {
      if (this.buffer.length === 0) return;
      const first = this.buffer[0]!;
      if (first === 0x3c) this.framing = 'newline';
      else if (first >= 0x30 && first <= 0x39) this.framing = 'octet-counting';
      else throw new FramingError(`invalid or unsupported framing. first byte: '${String.fromCharCode(first)}'`);
    }
    if (this.framing === 'newline') this.splitLines();
    else this.splitCounted();
  }

  /** The connection ended: a last newline-framed message without its newline still counts. */
  end(): void {
    if (this.framing === 'newline' && this.buffer.length > 0) {
      const text = this.buffer.toString('utf8').replace(/\r$/, '');
      this.buffer = Buffer.alloc(0);
      if (text !== '') this.deliver(text);
    }
  }

  private deliver(text: string): void {
    if (Buffer.byteLength(text) > this.maxMessageLength) {
      this.onError(new FramingError(`message too long, exceeds ${this.maxMessageLength} bytes`));
      return;
    }
    this.onMessage(text);
  }

  private splitLines(): void {
    let start = 0;
    for (;;) {
      const nl = this.buffer.indexOf(0x0a, start);
      if (nl < 0) break;
      let end = nl;
      if (end > start && this.buffer[end - 1] === 0x0d) end--;
      if (end > start) this.deliver(this.buffer.toString('utf8', start, end));
      start = nl + 1;
    }
    this.buffer = start === 0 ? this.buffer : this.buffer.subarray(start);
    if (this.buffer.length > this.maxMessageLength * 2) {
      this.onError(new FramingError(`message too long, exceeds ${this.maxMessageLength} bytes`));
      this.buffer = Buffer.alloc(0);
    }
  }

  private splitCounted(): void {
    for (;;) {
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, this.buffer.length);
        this.skipping -= n;
        this.buffer = this.buffer.subarray(n);
        if (this.skipping > 0) return;
      }
      const space = this.buffer.indexOf(0x20);
      if (space < 0) {
        if (this.buffer.length > 10) {
          this.onError(new FramingError('found invalid character in the octet count'));
          this.buffer = Buffer.alloc(0);
        }
        return;
      }
      const lengthText = this.buffer.toString('latin1', 0, space);
      if (!/^[1-9][0-9]*$/.test(lengthText)) {
        throw new FramingError(`found ${JSON.stringify(lengthText)} where an octet count was expected`);
      }
      const length = Number(lengthText);
      if (length > this.maxMessageLength) {
        this.onError(new FramingError(`message too long, exceeds ${this.maxMessageLength} bytes`));
        this.buffer = this.buffer.subarray(space + 1);
        this.skipping = length;
        continue;
      }
      if (this.buffer.length < space + 1 + length) return;
      this.onMessage(this.buffer.toString('utf8', space + 1, space + 1 + length));
      this.buffer = this.buffer.subarray(space + 1 + length);
    }
  }
}
