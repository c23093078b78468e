import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fingerprint, labelsFromRecord, labelsToString } from '../../util/labels.js';
import { compileMatcher } from '../../util/matchers.js';
import { InMemoryObjectClient } from '../objstore/memory.js';
import { encodeIndexFile, IndexFile, type IndexSeries } from './index-file.js';
import { IndexReader } from './reader.js';
import { Schema, tableRef } from './schema.js';
import { indexDir } from './shipper.js';

const DAY = 86_400_000;
const schema = new Schema([
  { fromMs: 0, store: 'tsdb', objectStore: 'memory', schema: 'v13', indexPrefix: 'index_', indexPeriodMs: DAY },
]);
const table = tableRef(schema.periods[0]!, 100);
const dir = indexDir(table.name, 't');

function series(app: string, from: number): IndexSeries {
  const labels = labelsFromRecord({ app });
  return {
    fp: fingerprint(labelsToString(labels)),
    labels,
    chunks: [{ fromMs: from, throughMs: from + 10, checksum: from, entries: 1, size: 1, linesSize: 1 }],
  };
}

async function apps(reader: IndexReader): Promise<string[]> {
  const all = [compileMatcher({ name: 'app', op: '=~', value: '.+' })];
  const found = await reader.series('t', table.startMs, table.endMs - 1, all);
  return found.map((s) => `${s.labels[0]!.value}:${s.chunks.length}`).sort();
}

describe('index reader', () => {
  it('lists a table again when a listed file has vanished, so a compaction loses nothing', async () => {
    const client = new InMemoryObjectClient();
    const a = series('a', table.startMs + 1);
    const b = series('b', table.startMs + 2);
    await client.putObject(`${dir}n-1-0.skx`, encodeIndexFile([a]));
    await client.putObject(`${dir}n-2-1.skx`, encodeIndexFile([b]));
    // A long-trusted listing and a cache that keeps only the newest parsed file.
    const reader = new IndexReader(schema, () => client, { listTtlMs: 3_600_000, cacheBytes: 0 });
    assert.deepEqual(await apps(reader), ['a:1', 'b:1']);

    // Another process compacts: output first, then the inputs go.
    await client.putObject(`${dir}compactor-3-0.skx`, encodeIndexFile([a, b]));
    await client.deleteObject(`${dir}n-1-0.skx`);
    await client.deleteObject(`${dir}n-2-1.skx`);
    assert.deepEqual(await apps(reader), ['a:1', 'b:1']);
  });

  it('applies a replacement made in this process without listing again', async () => {
    const client = new InMemoryObjectClient();
    const a = series('a', table.startMs + 1);
    await client.putObject(`${dir}n-1-0.skx`, encodeIndexFile([a]));
    const reader = new IndexReader(schema, () => client, { listTtlMs: 3_600_000, cacheBytes: 1 << 20 });
    assert.deepEqual(await apps(reader), ['a:1']);

    const merged = encodeIndexFile([a, series('c', table.startMs + 3)]);
    await client.putObject(`${dir}compactor-2-0.skx`, merged);
    reader.replaceFiles(table, 't', [`${dir}n-1-0.skx`], {
      key: `${dir}compactor-2-0.skx`,
      file: IndexFile.decode(merged),
    });
    assert.deepEqual(await apps(reader), ['a:1', 'c:1']);

    // The tenant's index emptied by retention: the removal alone is applied.
    reader.replaceFiles(table, 't', [`${dir}compactor-2-0.skx`]);
    assert.deepEqual(await apps(reader), []);
  });
});
