import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humanizeBytes, normalizeByteValue } from './byte-values.js';

describe('byte-size values of detected fields', () => {
  it('formats sizes as go-humanize does: SI units, one decimal below 10', () => {
    const cases: Array<[number, string]> = [
      [0, '0 B'],
      [9, '9 B'],
      [10, '10 B'],
      [999, '999 B'],
      [1000, '1.0 kB'],
      [1500, '1.5 kB'],
      [12300, '12 kB'],
      [512300, '512 kB'],
      [999_999, '1000 kB'],
      [1_000_000, '1.0 MB'],
      [3_500_000_000, '3.5 GB'],
    ];
    for (const [bytes, text] of cases) assert.equal(humanizeBytes(bytes), text, String(bytes));
  });

  it('rounds exact halves to even, as Go formats %.0f', () => {
    assert.equal(humanizeBytes(12_500), '12 kB');
    assert.equal(humanizeBytes(13_500), '14 kB');
  });

  it('rewrites values with a byte unit into the compact form a query accepts', () => {
    assert.equal(normalizeByteValue('12.3KB'), '12kB');
    assert.equal(normalizeByteValue('1.5 MiB'), '1.6MB');
    assert.equal(normalizeByteValue('900b'), '900B');
  });

  it('leaves plain numbers and other text alone', () => {
    assert.equal(normalizeByteValue('4096'), '4096');
    assert.equal(normalizeByteValue('200'), '200');
    assert.equal(normalizeByteValue('debug'), 'debug');
    assert.equal(normalizeByteValue('250ms'), '250ms');
  });
});
