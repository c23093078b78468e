// Schema period start dates (`from: 2024-01-01`), parsed as Go's time.Parse("2006-01-02") does so
// that a typo produces the message Loki prints.

import { goQuote } from './duration.js';

const LAYOUT = '2006-01-02';

/** Validates a `YYYY-MM-DD` date; returns it unchanged or throws Go's parse error. */
export function parseDayTime(value: string): string {
  const bad = (rest: string, elem: string) =>
    new Error(
      `parsing time ${goQuote(value)} as ${goQuote(LAYOUT)}: cannot parse ${goQuote(rest)} as ${goQuote(elem)}`,
    );
  let rest = value;
  if (rest.length < 4 || !isDigit(rest[0]) || !/^\d{4}$/.test(rest.slice(0, 4))) throw bad(rest, '2006');
  const year = Number(rest.slice(0, 4));
  rest = rest.slice(4);
  if (!rest.startsWith('-')) throw bad(rest, '-');
  rest = rest.slice(1);
  if (!isDigit(rest[0]) || !isDigit(rest[1])) throw bad(rest, '01');
  const month = Number(rest.slice(0, 2));
  rest = rest.slice(2);
  if (month < 1 || month > 12) throw new Error(`parsing time ${goQuote(value)}: month out of range`);
  if (!rest.startsWith('-')) throw bad(rest, '-');
  rest = rest.slice(1);
  if (!isDigit(rest[0]) || !isDigit(rest[1])) throw bad(rest, '02');
  const day = Number(rest.slice(0, 2));
  rest = rest.slice(2);
  if (rest !== '') throw new Error(`parsing time ${goQuote(value)}: extra text: ${goQuote(rest)}`);
  if (day < 1 || day > daysInMonth(year, month)) throw new Error(`parsing time ${goQuote(value)}: day out of range`);
  return value;
}

/** Midnight UTC of a `YYYY-MM-DD` date, in epoch milliseconds. */
export function dayTimeToMs(value: string): number {
  return Date.UTC(Number(value.slice(0, 4)), Number(value.slice(5, 7)) - 1, Number(value.slice(8, 10)));
}

/**
 * dskit's `flagext.Time`: `0` (unset), a date, `YYYY-MM-DDTHH:MM` or an RFC 3339 time; returns epoch
 * milliseconds (0 = unset).
 */
export function parseFlagTime(value: string): number {
  if (value === '0') return 0;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    try {
      parseDayTime(value);
      return dayTimeToMs(value);
    } catch {
      // fall through to the error below
    }
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) {
    const ms = Date.parse(`${value}:00Z`);
    if (!Number.isNaN(ms)) return ms;
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[-+]\d{2}:\d{2})$/.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new Error(`failed to parse time: ${goQuote(value)}`);
}

/** dskit's `flagext.Time.String()`: `0` when unset, otherwise RFC 3339 in UTC. */
export function formatFlagTime(ms: number): string {
  if (ms === 0) return '0';
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
