// go-humanize's ParseBytes, used by Loki for `bytes` label filters and
// `unwrap bytes(...)`: "42MB", "1.5 KiB", "1,024 kb" (case-insensitive units).
import { parseGoFloat } from './go-float.js';
import { goTrimSpace } from './sanitize.js';

const SIZES: ReadonlyMap<string, number> = new Map([
  ['b', 1],
  ['kib', 1024],
  ['kb', 1e3],
  ['mib', 1024 ** 2],
  ['mb', 1e6],
  ['gib', 1024 ** 3],
  ['gb', 1e9],
  ['tib', 1024 ** 4],
  ['tb', 1e12],
  ['pib', 1024 ** 5],
  ['pb', 1e15],
  ['eib', 1024 ** 6],
  ['eb', 1e18],
  ['', 1],
  ['ki', 1024],
  ['k', 1e3],
  ['mi', 1024 ** 2],
  ['m', 1e6],
  ['gi', 1024 ** 3],
  ['g', 1e9],
  ['ti', 1024 ** 4],
  ['t', 1e12],
  ['pi', 1024 ** 5],
  ['p', 1e15],
  ['ei', 1024 ** 6],
  ['e', 1e18],
]);

const MAX_UINT64 = 2 ** 64;

/** The number of bytes, or go-humanize's error text. */
export function parseHumanBytes(s: string): number | string {
  let end = 0;
  let hasComma = false;
  for (; end < s.length; end++) {
    const c = s.charCodeAt(end);
    if (c === 0x2c) hasComma = true;
    else if (!(c === 0x2e || (c >= 0x30 && c <= 0x39))) break;
  }
  let num = s.slice(0, end);
  if (hasComma) num = num.replaceAll(',', '');
  const f = parseGoFloat(num);
  if (typeof f === 'string') return f;
  // Size names are ASCII, so JavaScript's lower-casing agrees with Go's here.
  const extra = goTrimSpace(s.slice(end)).toLowerCase();
  const multiplier = SIZES.get(extra);
  if (multiplier === undefined) return `unhandled size name: ${extra}`;
  const bytes = f * multiplier;
  if (bytes >= MAX_UINT64) return `too large: ${s}`;
  return Math.trunc(bytes);
}
