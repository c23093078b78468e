import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dayTimeToMs, formatFlagTime, parseDayTime, parseFlagTime } from './daytime.js';

test('schema dates must be YYYY-MM-DD, reported with Go time.Parse messages', () => {
  assert.equal(parseDayTime('2024-01-01'), '2024-01-01');
  assert.throws(() => parseDayTime('2024-1-01'), {
    message: 'parsing time "2024-1-01" as "2006-01-02": cannot parse "1-01" as "01"',
  });
  assert.throws(() => parseDayTime('24-01-01'), {
    message: 'parsing time "24-01-01" as "2006-01-02": cannot parse "24-01-01" as "2006"',
  });
  assert.throws(() => parseDayTime('2024/01/01'), {
    message: 'parsing time "2024/01/01" as "2006-01-02": cannot parse "/01/01" as "-"',
  });
  assert.throws(() => parseDayTime('2024-13-01'), { message: 'parsing time "2024-13-01": month out of range' });
  assert.throws(() => parseDayTime('2023-02-29'), { message: 'parsing time "2023-02-29": day out of range' });
  assert.throws(() => parseDayTime('2024-01-01T00:00'), {
    message: 'parsing time "2024-01-01T00:00": extra text: "T00:00"',
  });
});

test('a schema date starts at midnight UTC', () => {
  assert.equal(dayTimeToMs('2024-01-01'), Date.UTC(2024, 0, 1));
});

test('flag times accept 0, a date, a minute or an RFC 3339 time', () => {
  assert.equal(parseFlagTime('0'), 0);
  assert.equal(parseFlagTime('2024-05-01'), Date.UTC(2024, 4, 1));
  assert.equal(parseFlagTime('2024-05-01T10:30'), Date.UTC(2024, 4, 1, 10, 30));
  assert.equal(parseFlagTime('2024-05-01T10:30:00+02:00'), Date.UTC(2024, 4, 1, 8, 30));
  assert.throws(() => parseFlagTime('yesterday'), { message: 'failed to parse time: "yesterday"' });
  assert.equal(formatFlagTime(0), '0');
  assert.equal(formatFlagTime(Date.UTC(2024, 4, 1)), '2024-05-01T00:00:00Z');
});
