// The canary's log line: `<unix nanoseconds> <padding>\n`, padded with `p` so that the whole line,
// newline included, is `-size` bytes. Only the timestamp matters when the line is read back.

/** Builds lines of a fixed size; the padding is computed once per timestamp length. */
export class LineFormatter {
  private padLength = -1;
  private pad = '';

  constructor(private readonly size: number) {}

  format(tsNs: bigint): string {
    const ts = tsNs.toString();
    if (ts.length !== this.padLength) {
      // The total counts the timestamp, the separating space and the newline.
      this.pad = 'p'.repeat(Math.max(0, this.size - ts.length - 2));
      this.padLength = ts.length;
    }
    return `${ts} ${this.pad}\n`;
  }
}

/** Reads the timestamp back from a line as Loki returns it; throws with loki-canary's messages. */
export function parseEntryTimestamp(line: string): bigint {
  const parts = line.split(' ');
  if (parts.length !== 2) throw new Error(`received invalid entry: ${line}`);
  const ts = parts[0]!;
  if (!/^[+-]?\d{1,19}$/.test(ts)) throw new Error(`failed to parse timestamp: ${ts}`);
  const value = BigInt(ts);
  if (value > INT64_MAX || value < INT64_MIN) throw new Error(`failed to parse timestamp: ${ts}`);
  return value;
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
