// Byte sizes as Loki reads and prints them.
//
// Two types appear in Loki's config:
// - Loki's own `flagext.ByteSize` (limits, ingester, caches): a whole number with an optional unit
//   B, K/KB, M/MB, G/GB, T/TB, P/PB, E/EB (powers of 1024, case-insensitive; `MiB` is rejected),
//   printed with the largest unit that divides it exactly (`1536KB`, `512MB`, `0B`).
// - dskit's `flagext.Bytes`: base-2 units with a required suffix (`16KiB`, `64MB`, fractions
//   allowed), printed as a sum of units (`63KiB1023B`).
// Both are held as plain byte counts. Parsers throw with the exact messages of the Go libraries.

import { goQuote } from './duration.js';

const MAX_UINT64 = (1n << 64n) - 1n;

const BYTE_SIZE_UNITS: Readonly<Record<string, bigint>> = {
  '': 1n,
  b: 1n,
  byte: 1n,
  k: 1n << 10n,
  kb: 1n << 10n,
  kilo: 1n << 10n,
  kilobyte: 1n << 10n,
  kilobytes: 1n << 10n,
  m: 1n << 20n,
  mb: 1n << 20n,
  mega: 1n << 20n,
  megabyte: 1n << 20n,
  megabytes: 1n << 20n,
  g: 1n << 30n,
  gb: 1n << 30n,
  giga: 1n << 30n,
  gigabyte: 1n << 30n,
  gigabytes: 1n << 30n,
  t: 1n << 40n,
  tb: 1n << 40n,
  tera: 1n << 40n,
  terabyte: 1n << 40n,
  terabytes: 1n << 40n,
  p: 1n << 50n,
  pb: 1n << 50n,
  peta: 1n << 50n,
  petabyte: 1n << 50n,
  petabytes: 1n << 50n,
  e: 1n << 60n,
  eb: 1n << 60n,
};

/** Loki's `flagext.ByteSize.Set`: the input is upper-cased first, as Loki does. */
export function parseByteSize(input: string): number {
  const text = input.toUpperCase();
  const syntax = () => new Error(`strconv.UnmarshalText: parsing ${goQuote(text)}: invalid syntax`);
  let i = 0;
  let value = 0n;
  while (i < text.length && text[i]! >= '0' && text[i]! <= '9') {
    value = value * 10n + BigInt(text.charCodeAt(i) - 48);
    if (value > MAX_UINT64) throw new Error(`strconv.UnmarshalText: parsing ${goQuote(text)}: value out of range`);
    i++;
  }
  if (i === 0) throw syntax();
  const unit = BYTE_SIZE_UNITS[text.slice(i).trim().toLowerCase()];
  if (unit === undefined) throw syntax();
  const bytes = value * unit;
  if (bytes > MAX_UINT64) throw new Error(`strconv.UnmarshalText: parsing ${goQuote(text)}: value out of range`);
  return Number(bytes);
}

const BYTE_SIZE_PRINT: ReadonlyArray<[string, bigint]> = [
  ['EB', 1n << 60n],
  ['PB', 1n << 50n],
  ['TB', 1n << 40n],
  ['GB', 1n << 30n],
  ['MB', 1n << 20n],
  ['KB', 1n << 10n],
];

/** Loki's `flagext.ByteSize.String()`: `0B`, `1536KB`, `512MB`, `1000B`. */
export function formatByteSize(bytes: number): string {
  const b = BigInt(Math.trunc(bytes));
  if (b === 0n) return '0B';
  for (const [unit, size] of BYTE_SIZE_PRINT) {
    if (b % size === 0n) return `${b / size}${unit}`;
  }
  return `${b}B`;
}

const BASE2_UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
  PiB: 1024 ** 5,
  EiB: 1024 ** 6,
};
const BASE2_OLD_UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
  PB: 1024 ** 5,
  EB: 1024 ** 6,
};

/** dskit's `flagext.Bytes.Set` (`units.ParseBase2Bytes`): `KiB` and `KB` both mean 1024. */
export function parseBase2Bytes(input: string): number {
  try {
    return parseUnits(input, BASE2_UNITS);
  } catch {
    return parseUnits(input, BASE2_OLD_UNITS);
  }
}

function parseUnits(input: string, units: Readonly<Record<string, number>>): number {
  const invalid = () => new Error(`units: invalid ${input}`);
  let s = input;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0]! >= '0' && s[0]! <= '9'))) throw invalid();
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    if ((m[1] ?? '') === '' && (m[2] ?? '') === '') throw invalid();
    const amount = Number(`${m[1] || '0'}.${m[2] || '0'}`);
    s = s.slice(m[0].length);
    let u = 0;
    while (u < s.length && s[u] !== '.' && !(s[u]! >= '0' && s[u]! <= '9')) u++;
    const unitName = s.slice(0, u);
    s = s.slice(u);
    const unit = units[unitName];
    if (unit === undefined) throw new Error(`units: unknown unit ${unitName} in ${input}`);
    total += amount * unit;
  }
  if (total > 2 ** 63 - 1) throw new Error('units: overflow parsing unit');
  return Math.trunc(neg ? -total : total);
}

const BASE2_PRINT = ['', 'K', 'M', 'G', 'T', 'P', 'E'];

/** dskit's `flagext.Bytes.String()`: `16KiB`, `63KiB1023B`, `0B`. */
export function formatBase2Bytes(bytes: number): string {
  let n = BigInt(Math.trunc(bytes));
  const parts: string[] = [];
  for (let i = 0; i < BASE2_PRINT.length; i++) {
    const r = n % 1024n;
    if (r !== 0n || (i === 0 && n === 0n)) parts.unshift(`${r}${BASE2_PRINT[i]}${i === 0 ? 'B' : 'iB'}`);
    n /= 1024n;
    if (n === 0n) break;
  }
  return parts.join('');
}
