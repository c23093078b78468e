import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { levelOfBytes, levelOfSeverityNumber, levelOfString, normaliseLevel } from './field-detection-levels.js';

describe('level names and abbreviations', () => {
  const cases: Array<[string, string | undefined]> = [
    ['trace', 'trace'],
    ['tRaCe', 'trace'],
    ['TRC', 'trace'],
    ['debug', 'debug'],
    ['Dbg', 'debug'],
    ['info', 'info'],
    ['INF', 'info'],
    ['Information', 'info'],
    ['warn', 'warn'],
    ['Wrn', 'warn'],
    ['WARNING', 'warn'],
    ['error', 'error'],
    ['ERR', 'error'],
    ['critical', 'critical'],
    ['CRITICAL', 'critical'],
    ['fatal', 'fatal'],
    ['FaTaL', 'fatal'],
    ['notice', undefined],
    ['informational', undefined],
    ['NA', undefined],
    ['', undefined],
    ['in', undefined],
    ['err ', undefined],
    ['e2r', undefined],
  ];
  for (const [value, want] of cases) {
    it(`reads ${JSON.stringify(value)} as ${want ?? 'no level'}`, () => {
      assert.equal(levelOfString(value), want);
      const buf = Buffer.from(`[${value}]`);
      assert.equal(levelOfBytes(buf, 1, buf.length - 1), want);
    });
  }
});

describe('normalising a level taken from a label or metadata', () => {
  const cases: Array<[string, string]> = [
    ['WaRn', 'warn'],
    ['InFo', 'info'],
    ['CRITICAL', 'critical'],
    ['Debug', 'debug'],
    ['FaTaL', 'fatal'],
    ['tRaCe', 'trace'],
    ['ERROR', 'error'],
    ['informational', 'informational'],
    ['notice', 'notice'],
    ['', ''],
  ];
  for (const [value, want] of cases)
    it(`${JSON.stringify(value)} -> ${JSON.stringify(want)}`, () => {
      assert.equal(normaliseLevel(value), want);
    });
});

describe('OpenTelemetry severity numbers', () => {
  const cases: Array<[string, string]> = [
    ['0', 'unknown'],
    ['1', 'trace'],
    ['4', 'trace'],
    ['5', 'debug'],
    ['7', 'debug'],
    ['8', 'debug'],
    ['9', 'info'],
    ['12', 'info'],
    ['13', 'warn'],
    ['16', 'warn'],
    ['17', 'error'],
    ['20', 'error'],
    ['21', 'fatal'],
    ['24', 'fatal'],
    ['25', 'unknown'],
    ['100', 'unknown'],
    ['+9', 'info'],
    ['-3', 'trace'],
    ['-0', 'unknown'],
    ['0009', 'info'],
    ['9223372036854775807', 'unknown'],
    // Not integers (or out of 64-bit range): Loki falls back to info.
    ['foo', 'info'],
    ['9.5', 'info'],
    [' 9', 'info'],
    ['+', 'info'],
    ['9223372036854775808', 'info'],
  ];
  for (const [value, want] of cases)
    it(`${JSON.stringify(value)} -> ${want}`, () => {
      assert.equal(levelOfSeverityNumber(value), want);
    });
});
