// Timestamps. Nanoseconds since the epoch exceed 2^53, so they travel as
// `bigint` at API edges; these helpers parse and print them the way Go (and so
// Loki) does, in UTC.

export const NS_PER_MS = 1_000_000n;
export const NS_PER_SEC = 1_000_000_000n;

export function secNanosToNs(sec: number, nanos: number): bigint {
  return BigInt(sec) * NS_PER_SEC + BigInt(nanos);
}

export function nsToMs(ns: bigint): number {
  return Number(ns / NS_PER_MS);
}

export function msToNs(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * NS_PER_MS;
}

export function nowNs(): bigint {
  return BigInt(Date.now()) * NS_PER_MS;
}

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Parses Go's RFC3339 / RFC3339Nano layouts; null when the text does not match. */
export function parseRFC3339Nano(text: string): bigint | null {
  const m = rfc3339.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  let ms = Date.UTC(Number(y), month - 1, day, hour, minute, second);
  if (new Date(ms).getUTCDate() !== day) return null;
  if (sign) {
    const offset = (Number(oh) * 60 + Number(om)) * 60_000;
    ms += sign === '+' ? -offset : offset;
  }
  const nanos = frac ? BigInt(frac.padEnd(9, '0')) : 0n;
  return BigInt(ms) * NS_PER_MS + nanos;
}

function splitNs(ns: bigint): { ms: number; frac: number } {
  let sec = ns / NS_PER_SEC;
  let rem = ns % NS_PER_SEC;
  if (rem < 0n) {
    sec -= 1n;
    rem += NS_PER_SEC;
  }
  return { ms: Number(sec) * 1000, frac: Number(rem) };
}

function datePart(ms: number, sep: string): string {
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  return `${iso.slice(0, 10)}${sep}${iso.slice(11, 19)}`;
}

function trimmedFraction(frac: number): string {
  if (frac === 0) return '';
  return `.${String(frac).padStart(9, '0').replace(/0+$/, '')}`;
}

/** Go's time.RFC3339 in UTC: 2006-01-02T15:04:05Z */
export function formatRFC3339(ns: bigint): string {
  return `${datePart(splitNs(ns).ms, 'T')}Z`;
}

/** Go's time.RFC3339Nano in UTC: trailing zeros of the fraction dropped. */
export function formatRFC3339Nano(ns: bigint): string {
  const { ms, frac } = splitNs(ns);
  return `${datePart(ms, 'T')}${trimmedFraction(frac)}Z`;
}

/** Go's time.Time.String() of a UTC time: 2006-01-02 15:04:05.999999999 +0000 UTC */
export function formatGoTime(ns: bigint): string {
  const { ms, frac } = splitNs(ns);
  return `${datePart(ms, ' ')}${trimmedFraction(frac)} +0000 UTC`;
}
