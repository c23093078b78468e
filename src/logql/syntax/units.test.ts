import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatBytes,
  formatGoDuration,
  formatPromDuration,
  parseBytes,
  parseGoDuration,
  parseGoDurationSeconds,
  parsePromDuration,
  tryParseLokiDuration,
  UnitParseError,
} from './units.js';

const s = 1_000_000_000n;

function throwsUnit(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => err instanceof UnitParseError && err.message === message);
}

describe('durations', () => {
  it('parses Prometheus durations with units from largest to smallest', () => {
    assert.equal(
      parsePromDuration('1y2w3d4h5m6s7ms'),
      (((365n + 14n + 3n) * 24n + 4n) * 3600n + 5n * 60n + 6n) * s + 7_000_000n,
    );
    assert.equal(parsePromDuration('0'), 0n);
  });

  it('reports Prometheus duration errors in its words', () => {
    throwsUnit(() => parsePromDuration(''), 'empty duration string');
    throwsUnit(() => parsePromDuration('5'), 'not a valid duration string: "5"');
    throwsUnit(() => parsePromDuration('1m1h'), 'not a valid duration string: "1m1h"');
    throwsUnit(() => parsePromDuration('5minutes'), 'unknown unit "minutes" in duration "5minutes"');
    throwsUnit(() => parsePromDuration('300y'), 'duration out of range');
  });

  it('parses Go durations with fractions, signs and small units', () => {
    assert.equal(parseGoDuration('1.5h'), 5400n * s);
    assert.equal(parseGoDuration('-1m30s'), -90n * s);
    assert.equal(parseGoDuration('1h15m30.918273645s'), 4530n * s + 918_273_645n);
    assert.equal(parseGoDuration('1µs'), 1000n);
    assert.equal(parseGoDuration('2us3ns'), 2003n);
    assert.equal(parseGoDurationSeconds('250ms'), 0.25);
  });

  it('reports Go duration errors in its words', () => {
    throwsUnit(() => parseGoDuration('abc'), 'time: invalid duration "abc"');
    throwsUnit(() => parseGoDuration('5'), 'time: missing unit in duration "5"');
    throwsUnit(() => parseGoDuration('5d'), 'time: unknown unit "d" in duration "5d"');
    throwsUnit(() => parseGoDuration('1é'), 'time: unknown unit "\\xc3\\xa9" in duration "1\\xc3\\xa9"');
  });

  it('accepts either dialect for offsets and filters', () => {
    assert.equal(tryParseLokiDuration('1d'), 86_400n * s);
    assert.equal(tryParseLokiDuration('1.5s'), 1_500_000_000n);
    assert.equal(tryParseLokiDuration('x'), null);
  });

  it('prints Prometheus and Go durations', () => {
    assert.equal(formatPromDuration(5400n * s), '1h30m');
    assert.equal(formatPromDuration(90n * 86_400n * s), '90d');
    assert.equal(formatPromDuration(14n * 86_400n * s), '2w');
    assert.equal(formatPromDuration(1500n * 1_000_000n), '1s500ms');
    assert.equal(formatPromDuration(0n), '0s');
    assert.equal(formatGoDuration(3600n * s), '1h0m0s');
    assert.equal(formatGoDuration(1_500_000_000n), '1.5s');
    assert.equal(formatGoDuration(250_000_000n), '250ms');
    assert.equal(formatGoDuration(1_500n), '1.5µs');
    assert.equal(formatGoDuration(-90n * s), '-1m30s');
    assert.equal(formatGoDuration(0n), '0s');
  });
});

describe('byte sizes', () => {
  it('parses SI and binary units like go-humanize', () => {
    assert.equal(parseBytes('20MB'), 20_000_000);
    assert.equal(parseBytes('1KiB'), 1024);
    assert.equal(parseBytes('1.5 GB'), 1_500_000_000);
    assert.equal(parseBytes('5k'), 5000);
    assert.equal(parseBytes('1,000'), 1000);
    assert.equal(parseBytes('42'), 42);
  });

  it('reports go-humanize errors', () => {
    throwsUnit(() => parseBytes('5 XB'), 'unhandled size name: xb');
    throwsUnit(() => parseBytes('MB'), 'strconv.ParseFloat: parsing "": invalid syntax');
  });

  it('prints sizes in SI units without the space', () => {
    assert.equal(formatBytes(5), '5B');
    assert.equal(formatBytes(20_000_000), '20MB');
    assert.equal(formatBytes(1024), '1.0kB');
    assert.equal(formatBytes(1_500_000_000), '1.5GB');
  });
});
