import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatGoTime, formatRFC3339, formatRFC3339Nano, parseRFC3339Nano } from './time.js';

describe('time', () => {
  it('parses RFC3339 with fractions and offsets exactly to the nanosecond', () => {
    assert.equal(parseRFC3339Nano('2024-01-15T00:00:00Z'), 1705276800000000000n);
    assert.equal(parseRFC3339Nano('2024-01-15T00:00:00.000000001Z'), 1705276800000000001n);
    assert.equal(parseRFC3339Nano('2024-01-15T02:00:00.5+02:00'), 1705276800500000000n);
    assert.equal(parseRFC3339Nano('2024-02-30T00:00:00Z'), null);
    assert.equal(parseRFC3339Nano('yesterday'), null);
  });

  it('prints the way Go formats times in UTC', () => {
    assert.equal(formatRFC3339(1705276800123456789n), '2024-01-15T00:00:00Z');
    assert.equal(formatRFC3339Nano(1705276800120000000n), '2024-01-15T00:00:00.12Z');
    assert.equal(formatRFC3339Nano(1705276800000000000n), '2024-01-15T00:00:00Z');
    assert.equal(formatGoTime(1705276800000000001n), '2024-01-15 00:00:00.000000001 +0000 UTC');
    assert.equal(formatGoTime(1705276800000000000n), '2024-01-15 00:00:00 +0000 UTC');
  });
});
