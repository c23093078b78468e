import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bool, bytesize, csv, dur, float, int, mdur, str, strings } from '../schema/dsl.js';
import { flagTypeName, formatFlagDefault, parseFlagValue } from './values.js';

test("numbers, booleans and durations parse like Go's flag package", () => {
  assert.equal(parseFlagValue(int(0), 0, '0x10'), 16);
  assert.equal(parseFlagValue(int(0), 0, '-5'), -5);
  assert.throws(() => parseFlagValue(int(0), 0, '1.5'), { message: 'parse error' });
  assert.throws(() => parseFlagValue(int(0, undefined, { go: 'uint32' }), 0, '5000000000'), {
    message: 'value out of range',
  });
  assert.equal(parseFlagValue(float(0), 0, '2.5'), 2.5);
  assert.equal(parseFlagValue(bool(false), false, 'T'), true);
  assert.throws(() => parseFlagValue(bool(false), false, 'yes'), { message: 'parse error' });
  assert.equal(parseFlagValue(dur('0s'), 0, '1m30s'), 90_000);
  assert.throws(() => parseFlagValue(dur('0s'), 0, '1d'), { message: 'parse error' });
  assert.equal(parseFlagValue(mdur('0s'), 0, '1d'), 86_400_000);
  assert.equal(parseFlagValue(bytesize('0B'), 0, '2MB'), 2_097_152);
});

test('list flags replace (StringSliceCSV) or append (StringSlice, StringSliceCSVMulti)', () => {
  assert.deepEqual(parseFlagValue(csv(['all']), ['all'], 'read,write'), ['read', 'write']);
  assert.deepEqual(parseFlagValue(strings(['eth0']), ['eth0'], 'lo'), ['eth0', 'lo']);
  const multi = csv([], undefined, { go: 'flagext.StringSliceCSVMulti' });
  assert.deepEqual(parseFlagValue(multi, ['a'], 'b,c'), ['a', 'b', 'c']);
});

test('log levels are checked as dskit checks them', () => {
  const level = str('info', 'log.level', { go: 'log.Level' });
  assert.equal(parseFlagValue(level, 'info', 'warn'), 'warn');
  assert.throws(() => parseFlagValue(level, 'info', 'verbose'), { message: 'unrecognized log level "verbose"' });
});

test('help shows Go type words and Go-formatted defaults', () => {
  assert.equal(flagTypeName(int(0)), 'int');
  assert.equal(flagTypeName(bool(false)), '');
  assert.equal(flagTypeName(dur('1h')), 'duration');
  assert.equal(flagTypeName(csv([])), 'value');
  assert.equal(formatFlagDefault(dur('1h')), '1h0m0s');
  assert.equal(formatFlagDefault(mdur('168h')), '1w');
  assert.equal(formatFlagDefault(csv(['all'])), 'all');
});
