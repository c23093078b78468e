import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ByteWriter } from '../../util/varint.js';
import { RECORD_ENTRIES, RECORD_SERIES, type WalRecord, writeEntriesRecord, writeSeriesRecord } from './record.js';
import { WriteAheadLog } from './wal.js';

function entries(tenant: string, line: string): Buffer {
  const w = new ByteWriter();
  writeEntriesRecord(w, tenant, [
    {
      labels: '{a="b"}',
      entries: [{ sec: 1, nanos: 2, line: Buffer.from(line), structuredMetadata: [{ name: 'k', value: 'v' }] }],
    },
  ]);
  return w.toBuffer();
}

async function replayAll(dir: string): Promise<{ records: WalRecord[]; problems: unknown[]; wal: WriteAheadLog }> {
  const { wal, replay } = await WriteAheadLog.open(dir);
  const records: WalRecord[] = [];
  for await (const r of replay.records) records.push(r);
  return { records, problems: replay.problems, wal };
}

function lineOf(r: WalRecord): string {
  assert.equal(r.type, RECORD_ENTRIES);
  return Buffer.from(r.streams[0]!.entries[0]!.line).toString();
}

describe('write-ahead log', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skald-wal-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('replays every acknowledged append after a restart, in order', async () => {
    const { wal } = await WriteAheadLog.open(dir);
    await Promise.all(['one', 'two', 'three'].map((l) => wal.append(entries('t', l))));
    await wal.close();
    const { records, problems } = await replayAll(dir);
    assert.deepEqual(records.map(lineOf), ['one', 'two', 'three']);
    assert.deepEqual(problems, []);
    const r = records[0]!;
    assert.ok(r.type === RECORD_ENTRIES);
    assert.deepEqual(r.streams[0]!.entries[0]!.structuredMetadata, [{ name: 'k', value: 'v' }]);
  });

  it('drops a torn last record and keeps everything before it', async () => {
    const { wal } = await WriteAheadLog.open(dir);
    await wal.append(entries('t', 'kept'));
    await wal.close();
    const seg = (await readdir(dir)).find((n) => n.startsWith('segment-'))!;
    await appendFile(join(dir, seg), entries('t', 'torn').subarray(0, 12));
    const { records, problems } = await replayAll(dir);
    assert.deepEqual(records.map(lineOf), ['kept']);
    assert.equal(problems.length, 1);
  });

  it('replaces older segments with a checkpoint and replays checkpoint then newer segments', async () => {
    const { wal } = await WriteAheadLog.open(dir);
    await wal.append(entries('t', 'before'));
    const seg = wal.rotate();
    const appended = wal.append(entries('t', 'after'));
    const w = new ByteWriter();
    writeSeriesRecord(w, { tenant: 't', labels: '{a="b"}', chunks: [Buffer.from('chunk-bytes')], lastChunkOpen: true });
    await wal.writeCheckpoint(seg, [w.toBuffer()]);
    await appended;
    await wal.close();
    const files = await readdir(dir);
    assert.ok(!files.includes('segment-00000001'), `old segment removed: ${files}`);
    const { records } = await replayAll(dir);
    assert.equal(records.length, 2);
    assert.equal(records[0]!.type, RECORD_SERIES);
    assert.equal(lineOf(records[1]!), 'after');
  });

  it('starts a new segment after a restart rather than appending to an old one', async () => {
    const first = await WriteAheadLog.open(dir);
    await first.wal.append(entries('t', 'a'));
    await first.wal.close();
    const { wal } = await replayAll(dir);
    assert.equal(wal.currentSegment, 2);
    await wal.append(entries('t', 'b'));
    await wal.close();
    const { records } = await replayAll(dir);
    assert.deepEqual(records.map(lineOf), ['a', 'b']);
  });
});
