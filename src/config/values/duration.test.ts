import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatGoDuration,
  formatPromDuration,
  MAX_GO_DURATION_MS,
  parseGoDuration,
  parsePromDuration,
} from './duration.js';

test('Go durations parse to milliseconds with fractions, signs and every unit', () => {
  assert.equal(parseGoDuration('1h30m'), 5_400_000);
  assert.equal(parseGoDuration('1.5s'), 1500);
  assert.equal(parseGoDuration('300ms'), 300);
  assert.equal(parseGoDuration('2500us'), 2.5);
  assert.equal(parseGoDuration('1µs'), 0.001);
  assert.equal(parseGoDuration('-1m'), -60_000);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('168h'), 604_800_000);
});

test("Go durations reject what time.ParseDuration rejects, with Go's messages", () => {
  assert.throws(() => parseGoDuration('1d'), { message: 'time: unknown unit "d" in duration "1d"' });
  assert.throws(() => parseGoDuration('10'), { message: 'time: missing unit in duration "10"' });
  assert.throws(() => parseGoDuration(''), { message: 'time: invalid duration ""' });
  assert.throws(() => parseGoDuration('h'), { message: 'time: invalid duration "h"' });
  assert.throws(() => parseGoDuration('3000000h'), { message: 'time: invalid duration "3000000h"' });
});

test('Go durations print as time.Duration.String() does', () => {
  assert.equal(formatGoDuration(3_600_000), '1h0m0s');
  assert.equal(formatGoDuration(90_000), '1m30s');
  assert.equal(formatGoDuration(30_000), '30s');
  assert.equal(formatGoDuration(1500), '1.5s');
  assert.equal(formatGoDuration(500), '500ms');
  assert.equal(formatGoDuration(0.0025), '2.5µs');
  assert.equal(formatGoDuration(0), '0s');
  assert.equal(formatGoDuration(-90_000), '-1m30s');
  assert.equal(formatGoDuration(MAX_GO_DURATION_MS), '2562047h47m16.854775807s');
});

test('Prometheus durations accept days, weeks and years in decreasing order', () => {
  assert.equal(parsePromDuration('1d'), 86_400_000);
  assert.equal(parsePromDuration('1w'), 604_800_000);
  assert.equal(parsePromDuration('1y'), 31_536_000_000);
  assert.equal(parsePromDuration('1d12h30m'), 131_400_000);
  assert.equal(parsePromDuration('250ms'), 250);
  assert.equal(parsePromDuration('0'), 0);
  assert.throws(() => parsePromDuration('1m1d'), { message: 'not a valid duration string: "1m1d"' });
  assert.throws(() => parsePromDuration('1.5h'), { message: 'unknown unit "." in duration "1.5h"' });
  assert.throws(() => parsePromDuration('-1h'), { message: 'not a valid duration string: "-1h"' });
  assert.throws(() => parsePromDuration('5x'), { message: 'unknown unit "x" in duration "5x"' });
  assert.throws(() => parsePromDuration(''), { message: 'empty duration string' });
});

test('Prometheus durations print with the largest exact units', () => {
  assert.equal(formatPromDuration(604_800_000), '1w');
  assert.equal(formatPromDuration(168 * 3_600_000), '1w');
  assert.equal(formatPromDuration(90 * 86_400_000), '90d');
  assert.equal(formatPromDuration(300_000), '5m');
  assert.equal(formatPromDuration(5_400_000), '1h30m');
  assert.equal(formatPromDuration(0), '0s');
  assert.equal(formatPromDuration(31_536_000_000), '1y');
});
