import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultValue } from '../schema/defaults.js';
import { any, block, bool, csv, dur, int, list, map, str, strings, strMap } from '../schema/dsl.js';
import { type DecodeIssue, decodeBlockInto, formatDecodeIssues } from './decode.js';
import { parseYaml } from './document.js';

const spec = block('test.Config', {
  name: str('default'),
  port: int(3100),
  small: int(0, undefined, { go: 'uint8' }),
  enabled: bool(true),
  timeout: dur('30s'),
  targets: csv(['all']),
  peers: csv([], undefined, { go: 'flagext.StringSliceCSVMulti' }),
  tags: strings(['a']),
  labels: strMap(),
  extra: any(),
  stores: map(block('test.Store', { bucket: str(''), region: str('us-east-1') })),
  periods: list(block('test.plain', { from: str(''), shards: int(16) })),
});

function decode(
  text: string,
  strict = true,
): { value: ReturnType<typeof defaultValue<typeof spec>>; issues: DecodeIssue[] } {
  const source = parseYaml(text);
  const value = defaultValue(spec);
  const issues = decodeBlockInto(source, spec, value, source.root, '', { strict });
  return { value, issues };
}

test('keys replace defaults one by one and leave the others alone', () => {
  const { value, issues } = decode('port: 9000\ntimeout: 1m\n');
  assert.deepEqual(issues, []);
  assert.equal(value.port, 9000);
  assert.equal(value.timeout, 60_000);
  assert.equal(value.name, 'default');
  assert.equal(value.enabled, true);
});

test('lists are replaced and their entries start from the entry defaults', () => {
  const { value } = decode('tags: [x, y]\nperiods:\n  - from: 2024-01-01\n  - from: 2024-02-01\n    shards: 4\n');
  assert.deepEqual(value.tags, ['x', 'y']);
  assert.deepEqual(value.periods, [
    { from: '2024-01-01', shards: 16 },
    { from: '2024-02-01', shards: 4 },
  ]);
});

test('maps of blocks get one entry per key, each from the entry defaults', () => {
  const { value } = decode('stores:\n  archive:\n    bucket: old\n  hot:\n    bucket: new\n    region: eu-west-1\n');
  assert.deepEqual(value.stores, {
    archive: { bucket: 'old', region: 'us-east-1' },
    hot: { bucket: 'new', region: 'eu-west-1' },
  });
});

test('comma-separated lists take a string; the multi variant also takes a YAML list', () => {
  const { value } = decode('targets: read,write\npeers: [a, b]\n');
  assert.deepEqual(value.targets, ['read', 'write']);
  assert.deepEqual(value.peers, ['a', 'b']);
  const { issues } = decode('targets: [read]\n');
  assert.equal(issues[0]?.message, 'cannot unmarshal !!seq into string');
});

test('string fields keep the text as written, whatever it would resolve to', () => {
  const { value } = decode("name: 2024-01-01\nlabels: {a: 1, b: yes, c: 'x'}\n");
  assert.equal(value.name, '2024-01-01');
  assert.deepEqual(value.labels, { a: '1', b: 'yes', c: 'x' });
});

test('values without a fixed shape pass through as plain data', () => {
  const { value } = decode('extra:\n  a: [1, two]\n');
  assert.deepEqual(value.extra, { a: [1, 'two'] });
});

test("type mismatches use yaml.v2's wording, shortening long values to seven bytes", () => {
  const { issues } = decode('port: 3100-3200-3300\nsmall: 300\nenabled: "true"\ntimeout: 5d\nname: {a: 1}\nport: 1\n');
  assert.deepEqual(
    issues.map((i) => `${i.line} ${i.message}`),
    [
      '1 cannot unmarshal !!str `3100-32...` into int',
      '2 cannot unmarshal !!int `300` into uint8',
      '3 cannot unmarshal !!str `true` into bool',
      '4 cannot unmarshal !!str `5d` into time.Duration',
      '5 cannot unmarshal !!map into string',
      '6 field port already set in type test.Config',
    ],
  );
});

test('a block given a scalar names the block type', () => {
  const { issues } = decode('periods: 3\nstores:\n  a: oops\n');
  assert.deepEqual(
    issues.map((i) => i.message),
    ['cannot unmarshal !!int `3` into []test.plain', 'cannot unmarshal !!str `oops` into test.Store'],
  );
});

test('unknown keys are ignored outside strict mode (the second pass Loki makes)', () => {
  assert.deepEqual(decode('nope: 1\n', false).issues, []);
  assert.equal(decode('nope: 1\n').issues[0]?.message, 'field nope not found in type test.Config');
});

test('issues format as yaml.v2 does, with the config path for value errors', () => {
  const { issues } = decode('nope: 1\nport: x\n');
  assert.equal(
    formatDecodeIssues(issues),
    'yaml: unmarshal errors:\n  line 1: field nope not found in type test.Config\n  line 2: cannot unmarshal !!str `x` into int (at port)',
  );
});

test('only the first document of a stream is read', () => {
  const { value } = decode('port: 1\n---\nport: 2\n');
  assert.equal(value.port, 1);
});
