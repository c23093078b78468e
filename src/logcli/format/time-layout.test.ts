import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTimestamp } from './time-layout.js';
import { localZone, UTC_ZONE, zoneByName } from './time-zone.js';

// 2006-01-02T08:04:05.123456789Z, the instant logcli's own output tests use.
const TS = 1136189045123456789n;

describe('Go time layouts', () => {
  it('prints RFC3339 with Z in UTC and without the fraction', () => {
    assert.equal(formatTimestamp(TS, UTC_ZONE, 'rfc3339'), '2006-01-02T08:04:05Z');
  });

  it('prints RFC3339Nano with trailing zeros of the fraction dropped', () => {
    assert.equal(formatTimestamp(TS, UTC_ZONE, 'rfc3339nano'), '2006-01-02T08:04:05.123456789Z');
    assert.equal(formatTimestamp(1136189045100000000n, UTC_ZONE, 'rfc3339nano'), '2006-01-02T08:04:05.1Z');
    assert.equal(formatTimestamp(1136189045000000000n, UTC_ZONE, 'rfc3339nano'), '2006-01-02T08:04:05Z');
  });

  it('prints the offset of a named zone, and Z only for a zero offset', () => {
    const kolkata = localZone({ TZ: 'Asia/Kolkata' });
    assert.equal(formatTimestamp(TS, kolkata, 'rfc3339'), '2006-01-02T13:34:05+05:30');
    const newYork = localZone({ TZ: 'America/New_York' });
    assert.equal(formatTimestamp(TS, newYork, 'rfc3339'), '2006-01-02T03:04:05-05:00');
    assert.equal(formatTimestamp(TS, localZone({ TZ: 'Europe/London' }), 'rfc3339'), '2006-01-02T08:04:05Z');
  });

  it('follows daylight saving time', () => {
    const berlin = localZone({ TZ: 'Europe/Berlin' });
    const july = 1720000000000000000n; // 2024-07-03T09:46:40Z
    assert.equal(formatTimestamp(july, berlin, 'rfc3339'), '2024-07-03T11:46:40+02:00');
    assert.equal(formatTimestamp(TS, berlin, 'rfc3339'), '2006-01-02T09:04:05+01:00');
  });

  it('prints the stamp layouts with a space-padded day and truncated fractions', () => {
    assert.equal(formatTimestamp(TS, UTC_ZONE, 'stampmilli'), 'Jan  2 08:04:05.123');
    assert.equal(formatTimestamp(TS, UTC_ZONE, 'stampmicro'), 'Jan  2 08:04:05.123456');
    assert.equal(formatTimestamp(TS, UTC_ZONE, 'stampnano'), 'Jan  2 08:04:05.123456789');
  });

  it('prints the RFC822Z, RFC1123Z and UnixDate layouts', () => {
    assert.equal(formatTimestamp(TS, UTC_ZONE, 'rfc822z'), '02 Jan 06 08:04 +0000');
    assert.equal(formatTimestamp(TS, UTC_ZONE, 'rfc1123z'), 'Mon, 02 Jan 2006 08:04:05 +0000');
    assert.equal(formatTimestamp(TS, UTC_ZONE, 'unixdate'), 'Mon Jan  2 08:04:05 UTC 2006');
    assert.equal(formatTimestamp(TS, localZone({ TZ: 'Europe/Berlin' }), 'unixdate'), 'Mon Jan  2 09:04:05 CET 2006');
  });

  it("prints the standard logger's prefix, part file times and Go's Time.String", () => {
    assert.equal(formatTimestamp(TS, UTC_ZONE, 'logprefix'), '2006/01/02 08:04:05');
    assert.equal(formatTimestamp(TS, UTC_ZONE, 'compact'), '20060102T080405');
    assert.equal(formatTimestamp(TS, UTC_ZONE, 'gostring'), '2006-01-02 08:04:05.123456789 +0000 UTC');
  });

  it('handles instants before the epoch', () => {
    assert.equal(formatTimestamp(-1n, UTC_ZONE, 'rfc3339nano'), '1969-12-31T23:59:59.999999999Z');
  });

  it('reads the zone from TZ the way Go does', () => {
    assert.equal(zoneByName('UTC', { TZ: 'Asia/Kolkata' }), UTC_ZONE);
    assert.equal(localZone({ TZ: '' }), UTC_ZONE);
    assert.equal(localZone({ TZ: 'No/Such_Zone' }), UTC_ZONE);
    assert.equal(localZone({ TZ: ':Asia/Kolkata' }).offsetSeconds(0), 19800);
    assert.equal(localZone({ TZ: 'Europe/Istanbul' }).abbreviation(Date.UTC(2024, 0, 1)), '+03');
  });
});
