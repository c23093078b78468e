import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fingerprint, labelsFromRecord, labelsToString } from '../../util/labels.js';
import { compileMatcher, type LabelMatcher } from '../../util/matchers.js';
import { encodeIndexFile, IndexCorruptError, IndexFile, type IndexSeries } from './index-file.js';

function series(labels: Record<string, string>, from = 1000): IndexSeries {
  const l = labelsFromRecord(labels);
  return {
    fp: fingerprint(labelsToString(l)),
    labels: l,
    chunks: [
      { fromMs: from, throughMs: from + 500, checksum: 0xabcdef01, entries: 10, size: 300, linesSize: 1200 },
      { fromMs: from - 100, throughMs: from, checksum: 7, entries: 1, size: 30, linesSize: 12 },
    ],
  };
}

const all = [
  series({ job: 'apache', host: 'h0' }),
  series({ job: 'apache', host: 'h1' }),
  series({ job: 'hdfs', host: 'h0' }),
  series({ app: 'api', pod: 'api-1' }),
];

function select(file: IndexFile, ms: LabelMatcher[]): string[] {
  return [...file.select(ms.map(compileMatcher))].map((id) => labelsToString(file.series[id]!.labels)).sort();
}

describe('index files', () => {
  const file = IndexFile.decode(encodeIndexFile(all));

  it('round-trips series and their chunk references', () => {
    assert.equal(file.series.length, 4);
    const s = file.series.find((x) => x.fp === all[0]!.fp)!;
    assert.deepEqual(s.labels, all[0]!.labels);
    assert.deepEqual(
      s.chunks.map((c) => [c.fromMs, c.throughMs, c.checksum]),
      [
        [900, 1000, 7],
        [1000, 1500, 0xabcdef01],
      ],
    );
    assert.equal(file.minMs, 900);
    assert.equal(file.maxMs, 1500);
  });

  it('selects series through postings for each matcher type', () => {
    assert.deepEqual(select(file, [{ name: 'job', op: '=', value: 'apache' }]), [
      '{host="h0", job="apache"}',
      '{host="h1", job="apache"}',
    ]);
    assert.deepEqual(
      select(file, [
        { name: 'job', op: '=~', value: 'a.*|h.*' },
        { name: 'host', op: '=', value: 'h0' },
      ]),
      ['{host="h0", job="apache"}', '{host="h0", job="hdfs"}'],
    );
    assert.deepEqual(
      select(file, [{ name: 'app', op: '!=', value: 'api' }]).length,
      3,
      'series without the label match !=',
    );
    assert.deepEqual(
      select(file, [
        { name: 'job', op: '!~', value: 'apache' },
        { name: 'host', op: '=~', value: '.+' },
      ]),
      ['{host="h0", job="hdfs"}'],
    );
    assert.deepEqual(select(file, [{ name: 'job', op: '=', value: 'nope' }]), []);
  });

  it('lists label names and values, optionally for selected series', () => {
    assert.deepEqual(file.labelNames().sort(), ['app', 'host', 'job', 'pod']);
    assert.deepEqual(file.labelValues('job').sort(), ['apache', 'hdfs']);
    const ids = file.select([compileMatcher({ name: 'host', op: '=', value: 'h1' })]);
    assert.deepEqual(file.labelValues('job', ids), ['apache']);
  });

  it('rejects corrupted files', () => {
    const buf = encodeIndexFile(all);
    buf[buf.length - 30] ^= 1;
    assert.throws(() => IndexFile.decode(buf), IndexCorruptError);
  });
});
