// Byte-size values of detected fields, rewritten the way Loki lists them in
// `detected_field/{name}/values`: a value such as `12.3KB` becomes `12kB`
// (go-humanize's SI form without the space), so that Grafana can paste it
// into a `| size > 12kB` label filter that LogQL's byte parser accepts.
import { parseHumanBytes } from '../../logql/log/index.js';

const SI_SUFFIXES = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/**
 * Unit endings Loki looks for (lower-cased) before rewriting a value: a bare
 * number is left alone even though it parses as a byte count.
 */
const BYTE_UNIT_ENDINGS = [
  'b',
  'kib',
  'kb',
  'mib',
  'mb',
  'gib',
  'gb',
  'tib',
  'tb',
  'pib',
  'pb',
  'eib',
  'eb',
  'ki',
  'k',
  'mi',
  'm',
  'gi',
  'g',
  'ti',
  't',
  'pi',
  'p',
  'ei',
  'e',
];

/** Go's fmt `%.Nf` for the values humanize produces: round half to even on exact ties. */
function formatFixed(value: number, digits: 0 | 1): string {
  const scale = digits === 0 ? 1 : 10;
  const scaled = value * scale;
  const floor = Math.floor(scaled);
  // Only an exact binary tie rounds to even; anything else rounds to nearest, as toFixed does.
  if (scaled - floor === 0.5) {
    const even = floor % 2 === 0 ? floor : floor + 1;
    return (even / scale).toFixed(digits);
  }
  return value.toFixed(digits);
}

/** go-humanize's `Bytes`: SI units, one decimal below 10, e.g. `12 kB`, `3.5 MB`, `7 B`. */
export function humanizeBytes(bytes: number): string {
  if (bytes < 10) return `${bytes} B`;
  const exponent = Math.floor(Math.log(bytes) / Math.log(1000));
  const suffix = SI_SUFFIXES[exponent] ?? SI_SUFFIXES[SI_SUFFIXES.length - 1]!;
  const value = Math.floor((bytes / 1000 ** exponent) * 10 + 0.5) / 10;
  return `${formatFixed(value, value < 10 ? 1 : 0)} ${suffix}`;
}

/** The value as Loki lists it: byte sizes with a unit in humanize's compact form, anything else unchanged. */
export function normalizeByteValue(value: string): string {
  const bytes = parseHumanBytes(value);
  if (typeof bytes !== 'number') return value;
  const lower = value.toLowerCase();
  if (!BYTE_UNIT_ENDINGS.some((unit) => lower.endsWith(unit))) return value;
  return humanizeBytes(bytes).replace(' ', '');
}
