import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBase2Bytes, formatByteSize, parseBase2Bytes, parseByteSize } from './bytesize.js';

test('Loki byte sizes accept plain bytes and KB..EB units in any case, as powers of 1024', () => {
  assert.equal(parseByteSize('1572864'), 1_572_864);
  assert.equal(parseByteSize('512MB'), 536_870_912);
  assert.equal(parseByteSize('512mb'), 536_870_912);
  assert.equal(parseByteSize('1536KB'), 1_572_864);
  assert.equal(parseByteSize('3M'), 3_145_728);
  assert.equal(parseByteSize('1GB'), 1_073_741_824);
  assert.equal(parseByteSize('0'), 0);
});

test("Loki byte sizes reject binary-prefix and fractional units with Go's message", () => {
  assert.throws(() => parseByteSize('5MiB'), { message: 'strconv.UnmarshalText: parsing "5MIB": invalid syntax' });
  assert.throws(() => parseByteSize('1.5MB'), { message: 'strconv.UnmarshalText: parsing "1.5MB": invalid syntax' });
  assert.throws(() => parseByteSize('MB'), { message: 'strconv.UnmarshalText: parsing "MB": invalid syntax' });
});

test('Loki byte sizes print with the largest unit that divides them', () => {
  assert.equal(formatByteSize(1_572_864), '1536KB');
  assert.equal(formatByteSize(536_870_912), '512MB');
  assert.equal(formatByteSize(1_073_741_824), '1GB');
  assert.equal(formatByteSize(1000), '1000B');
  assert.equal(formatByteSize(0), '0B');
});

test('dskit byte sizes take KiB or KB (both 1024), fractions, and need a unit', () => {
  assert.equal(parseBase2Bytes('16KiB'), 16_384);
  assert.equal(parseBase2Bytes('16KB'), 16_384);
  assert.equal(parseBase2Bytes('1.5MiB'), 1_572_864);
  assert.equal(parseBase2Bytes('0'), 0);
  assert.throws(() => parseBase2Bytes('1024'), { message: 'units: unknown unit  in 1024' });
  assert.throws(() => parseBase2Bytes('5kb'), { message: 'units: unknown unit kb in 5kb' });
});

test('dskit byte sizes print as a sum of units', () => {
  assert.equal(formatBase2Bytes(16_384), '16KiB');
  assert.equal(formatBase2Bytes(65_535), '63KiB1023B');
  assert.equal(formatBase2Bytes(0), '0B');
  assert.equal(formatBase2Bytes(1_048_576), '1MiB');
});
