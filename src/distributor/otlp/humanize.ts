// Byte counts in SI units the way Loki prints them in messages (go-humanize's
// Bytes): "9 B", "1.5 kB", "17 MB".

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** Rounds to an integer, halves to even (Go's %.0f). */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

export function humanizeBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const e = Math.floor(Math.log(n) / Math.log(1000));
  const value = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  return value < 10 ? `${value.toFixed(1)} ${UNITS[e]}` : `${roundHalfEven(value)} ${UNITS[e]}`;
}
