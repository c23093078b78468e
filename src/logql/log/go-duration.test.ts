import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { durationToSeconds, parseGoDuration } from './go-duration.js';

describe('parseGoDuration', () => {
  it('parses Go duration syntax into nanoseconds', () => {
    const cases: Array<[string, number]> = [
      ['0', 0],
      ['-0', 0],
      ['1ns', 1],
      ['1.5us', 1500],
      ['2µs', 2000],
      ['2μs', 2000],
      ['10ms', 10e6],
      ['1s', 1e9],
      ['1h30m', 5400e9],
      ['-1.5h', -5400e9],
      ['.5s', 0.5e9],
      ['1.000000001s', 1_000_000_001],
      ['2562047h47m16.854775807s', Number(9223372036854775807n)],
    ];
    for (const [input, want] of cases) assert.equal(parseGoDuration(input), want, input);
  });

  it('reports errors in the time package wording', () => {
    assert.equal(parseGoDuration('2weeeeee'), 'time: unknown unit "weeeeee" in duration "2weeeeee"');
    assert.equal(parseGoDuration('1'), 'time: missing unit in duration "1"');
    assert.equal(parseGoDuration(''), 'time: invalid duration ""');
    assert.equal(parseGoDuration('.s'), 'time: invalid duration ".s"');
    assert.equal(parseGoDuration('1d'), 'time: unknown unit "d" in duration "1d"');
    assert.equal(parseGoDuration('1 s'), 'time: unknown unit " s" in duration "1 s"');
    assert.equal(parseGoDuration('9999999999999h'), 'time: invalid duration "9999999999999h"');
    assert.equal(parseGoDuration('1é'), 'time: unknown unit "\\xc3\\xa9" in duration "1\\xc3\\xa9"');
  });

  it('converts to seconds like Duration.Seconds', () => {
    assert.equal(durationToSeconds(1_500_000_000), 1.5);
    assert.equal(durationToSeconds(-250_000_000), -0.25);
  });
});
