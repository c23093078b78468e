import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRFC3339NanoGo } from './time-parse.js';

function ns(text: string): bigint {
  const r = parseRFC3339NanoGo(text);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.ns;
}

function error(text: string): string {
  const r = parseRFC3339NanoGo(text);
  assert.ok(!r.ok, `expected ${text} to be rejected`);
  return r.error;
}

describe("Go's RFC3339Nano parser", () => {
  it('reads UTC times with and without a fraction', () => {
    assert.equal(ns('2024-01-15T00:00:00Z'), 1705276800000000000n);
    assert.equal(ns('2024-01-15T00:00:00.5Z'), 1705276800500000000n);
    assert.equal(ns('2024-01-15T00:00:00.000000001Z'), 1705276800000000001n);
  });

  it('reads offsets', () => {
    assert.equal(ns('2024-01-15T01:30:00+01:30'), 1705276800000000000n);
    assert.equal(ns('2024-01-14T19:00:00-05:00'), 1705276800000000000n);
  });

  it('accepts one-digit hours and more than nine fraction digits, as Go does', () => {
    assert.equal(ns('2024-01-15T1:00:00Z'), 1705280400000000000n);
    assert.equal(ns('2024-01-15T00:00:00.1234567899Z'), 1705276800123456789n);
  });

  it('names the element that does not match', () => {
    assert.equal(
      error('yesterday'),
      'parsing time "yesterday" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse "yesterday" as "2006"',
    );
    assert.equal(
      error('2021-01-19 10:00:00Z'),
      'parsing time "2021-01-19 10:00:00Z" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse " 10:00:00Z" as "T"',
    );
    // logcli's help asks for times without a zone, but the parser needs one.
    assert.equal(
      error('2021-01-19T10:00:00'),
      'parsing time "2021-01-19T10:00:00" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse "" as "Z07:00"',
    );
  });

  it('reports values out of range and trailing text', () => {
    assert.equal(error('2024-13-01T00:00:00Z'), 'parsing time "2024-13-01T00:00:00Z": month out of range');
    assert.equal(error('2024-02-30T00:00:00Z'), 'parsing time "2024-02-30T00:00:00Z": day out of range');
    assert.equal(error('2024-01-01T24:00:00Z'), 'parsing time "2024-01-01T24:00:00Z": hour out of range');
    assert.equal(error('2024-01-01T00:00:00Zjunk'), 'parsing time "2024-01-01T00:00:00Zjunk": extra text: "junk"');
  });

  it('knows leap years', () => {
    assert.equal(ns('2024-02-29T00:00:00Z'), 1709164800000000000n);
    assert.match(error('2023-02-29T00:00:00Z'), /day out of range/);
  });
});
