import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GoLocation, GoTime, loadLocation, localLocation, parseDuration, parseTime, UTC } from './gotime.js';

// Go's reference time: Mon Jan 2 15:04:05 MST 2006, with nanoseconds.
const MST = GoLocation.fixedZone('MST', -7 * 3600);
const ref = GoTime.date(2006, 1, 2, 15, 4, 5, 123456789, MST);

describe('Go time layouts', () => {
  const cases: Array<[string, string]> = [
    ['Mon Jan _2 15:04:05 2006', 'Mon Jan  2 15:04:05 2006'],
    ['Mon Jan _2 15:04:05 MST 2006', 'Mon Jan  2 15:04:05 MST 2006'],
    ['Monday, 02-Jan-06 15:04:05 MST', 'Monday, 02-Jan-06 15:04:05 MST'],
    ['2006-01-02T15:04:05.999999999Z07:00', '2006-01-02T15:04:05.123456789-07:00'],
    ['2006-01-02T15:04:05Z0700', '2006-01-02T15:04:05-0700'],
    ['3:04PM', '3:04PM'],
    ['03:04:05 pm', '03:04:05 pm'],
    ['January 2, 2006', 'January 2, 2006'],
    ['__2 002', '  2 002'],
    ['15:04:05.000', '15:04:05.123'],
    ['15:04:05,999999', '15:04:05,123456'],
    ['15:04:05.00000000000', '15:04:05.123456789'],
    ['-07 -07:00:00 -070000 Z07', '-07 -07:00:00 -070000 -07'],
    ['_2006 Month', '_2006 Month'],
  ];
  for (const [layout, want] of cases) {
    it(`formats ${JSON.stringify(layout)}`, () => assert.equal(ref.format(layout), want));
  }

  it('prints Z for UTC only in the Z layouts', () => {
    const t = ref.in(UTC);
    assert.equal(t.format('2006-01-02T15:04:05Z07:00 -07:00'), '2006-01-02T22:04:05Z +00:00');
  });

  it('prints a numeric zone for MST when the zone has no abbreviation', () => {
    const t = GoTime.date(2021, 11, 2, 10, 0, 0, 0, GoLocation.fixedZone('', 5400));
    assert.equal(t.format('MST'), '+0130');
  });

  it('formats Time.String with the monotonic reading', () => {
    assert.equal(new GoTime(0, 0, UTC, 1_500_000_000n).toString(), '1970-01-01 00:00:00 +0000 UTC m=+1.500000000');
    assert.equal(GoTime.zero().toString(), '0001-01-01 00:00:00 +0000 UTC');
  });

  it('normalises out-of-range fields like time.Date', () => {
    assert.equal(GoTime.date(2021, 13, 32, 25, 0, 0, 0, UTC).format('2006-01-02 15:04'), '2022-02-02 01:00');
  });

  it('resolves named zones with daylight saving', () => {
    const paris = loadLocation('Europe/Paris', UTC)!;
    assert.equal(GoTime.date(2024, 1, 15, 12, 0, 0, 0, paris).format('15:04 -0700 MST'), '12:00 +0100 CET');
    assert.equal(GoTime.date(2024, 7, 15, 12, 0, 0, 0, paris).format('15:04 -0700 MST'), '12:00 +0200 CEST');
    assert.equal(loadLocation('europe/paris', UTC), undefined);
    assert.equal(loadLocation('No/Such_Zone', UTC), undefined);
    assert.equal(loadLocation('Local', paris), paris);
    assert.equal(localLocation('UTC').lookup(0).abbrev, 'UTC');
  });
});

describe('Go time parsing', () => {
  const unix = (layout: string, value: string): number => parseTime(layout, value, UTC).sec;

  it('parses layouts, including fractional seconds the layout omits', () => {
    assert.equal(unix('2006-01-02', '2021-11-02'), 1635811200);
    assert.equal(unix('2006-01-02 15:04:05', '2021-11-02 10:20:30'), 1635848430);
    assert.equal(parseTime('2006-01-02 15:04:05', '2021-11-02 10:20:30.25', UTC).nsec, 250000000);
    assert.equal(unix('Jan _2 06 3:04PM', 'nov  2 21 10:20AM'), 1635848400);
    assert.equal(unix('2006 002', '2021 306'), 1635811200);
  });

  it('applies offsets and records unknown ones as fixed zones', () => {
    const t = parseTime('2006-01-02T15:04:05Z07:00', '2021-11-02T10:20:30+02:00', UTC);
    assert.equal(t.sec, 1635841230);
    assert.equal(t.toString(), '2021-11-02 10:20:30 +0200 +0200');
    assert.equal(
      parseTime('2006-01-02T15:04:05Z07:00', '2021-11-02T10:20:30Z', UTC).toString(),
      '2021-11-02 10:20:30 +0000 UTC',
    );
  });

  it('reports errors in Go wording', () => {
    const message = (layout: string, value: string): string => {
      try {
        parseTime(layout, value, UTC);
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    };
    assert.equal(message('2006-01-02', 'x'), 'parsing time "x" as "2006-01-02": cannot parse "x" as "2006"');
    assert.equal(message('2006-01-02', '2021-13-01'), 'parsing time "2021-13-01": month out of range');
    assert.equal(message('2006-01-02', '2021-02-30'), 'parsing time "2021-02-30": day out of range');
    assert.equal(message('2006-01-02', '2021-11-02x'), 'parsing time "2021-11-02x": extra text: "x"');
    assert.equal(message('15:04', '25:00'), 'parsing time "25:00": hour out of range');
  });
});

describe('Go durations', () => {
  it('parses units, fractions and signs', () => {
    assert.equal(parseDuration('1h30m'), 5_400_000_000_000n);
    assert.equal(parseDuration('-1.5s'), -1_500_000_000n);
    assert.equal(parseDuration('.5ms'), 500_000n);
    assert.equal(parseDuration('1µs2ns'), 1002n);
    assert.equal(parseDuration('0'), 0n);
  });

  it('reports errors in Go wording', () => {
    assert.throws(() => parseDuration(''), { message: 'time: invalid duration ""' });
    assert.throws(() => parseDuration('1'), { message: 'time: missing unit in duration "1"' });
    assert.throws(() => parseDuration('1x'), { message: 'time: unknown unit "x" in duration "1x"' });
    assert.throws(() => parseDuration('9999999999h'), { message: 'time: invalid duration "9999999999h"' });
  });
});
