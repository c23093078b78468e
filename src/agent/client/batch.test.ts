import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import snappy from 'snappy';
import { decodePushRequestProto, encodePushRequestProto } from '../../distributor/decode-protobuf.js';
import type { PushStream } from '../../distributor/push-request.js';
import type { Label } from '../../util/labels.js';
import { NO_ACK } from '../pipeline/ack.js';
import { Batch } from './batch.js';

interface Input {
  labels: string;
  sec: number;
  nanos: number;
  line: string;
  md?: Label[];
}

/** Several streams interleaved, metadata, non-ASCII text and timestamps at the edges. */
function inputs(withEmptyLine: boolean): Input[] {
  const b = '{job="b", filename="/var/log/é.log"}';
  return [
    { labels: '{job="a"}', sec: 1_700_000_000, nanos: 123_456_789, line: 'first line' },
    { labels: b, sec: 1_700_000_001, nanos: 0, line: 'other stream ✓' },
    {
      labels: '{job="a"}',
      sec: 1_700_000_000,
      nanos: 123_456_790,
      line: withEmptyLine ? '' : 'traced',
      md: [{ name: 'trace_id', value: 'abc' }],
    },
    { labels: '{job="a"}', sec: 0, nanos: 5, line: 'at the epoch' },
    { labels: '{job="a"}', sec: -2, nanos: 999_999_999, line: 'before the epoch' },
    {
      labels: b,
      sec: 4_102_444_800,
      nanos: 1,
      line: 'x'.repeat(300),
      md: [
        { name: 'k', value: 'ü' },
        { name: 'empty', value: '' },
      ],
    },
    { labels: b, sec: 4_102_444_800, nanos: 2, line: 'right after' },
  ];
}

/** Adds each line as a range of a larger read buffer, as tailers hand them on. */
function batchOf(list: Input[]): Batch {
  const batch = new Batch('tenant', 0, 1024);
  for (const i of list) {
    const read = Buffer.from(`junk\n${i.line}\nmore`);
    const length = Buffer.byteLength(i.line);
    assert.ok(batch.add(i.labels, i.sec, i.nanos, read, 5, length, i.md ?? [], length, NO_ACK));
  }
  return batch;
}

/** The same request as push request data, streams in order of first appearance. */
function expected(list: Input[]): PushStream[] {
  const streams = new Map<string, PushStream>();
  for (const i of list) {
    let s = streams.get(i.labels);
    if (!s) {
      s = { labels: i.labels, entries: [] };
      streams.set(i.labels, s);
    }
    s.entries.push({ sec: i.sec, nanos: i.nanos, line: Buffer.from(i.line), structuredMetadata: i.md ?? [] });
  }
  return [...streams.values()];
}

const flat = (streams: PushStream[]) =>
  streams.map((s) => ({
    labels: s.labels,
    entries: s.entries.map((e) => [
      e.sec,
      e.nanos,
      e.line.toString(),
      e.structuredMetadata.map((l) => [l.name, l.value]),
    ]),
  }));

describe('a batch', () => {
  it('encodes the push request that the server decodes field for field', () => {
    const list = inputs(false);
    assert.deepEqual(flat(decodePushRequestProto(batchOf(list).encodeProto()).streams), flat(expected(list)));
  });

  it('writes the bytes a protobuf library writes, zero fields and empty lines left out', () => {
    const list = inputs(true);
    assert.deepEqual(batchOf(list).encodeProto(), encodePushRequestProto({ streams: expected(list) }));
  });

  it('takes the first bytes of a line cut to the limit', () => {
    const b = new Batch('', 0, 1024);
    b.add('{a="1"}', 1, 0, Buffer.from('0123456789\nabcdefghij\n'), 11, 4, [], 4, NO_ACK);
    const decoded = decodePushRequestProto(b.encodeProto());
    assert.equal(decoded.streams[0]!.entries[0]!.line.toString(), 'abcd');
  });

  it('grows past its expected size and stops at max_streams', () => {
    const b = new Batch('', 2, 16);
    const many: Input[] = Array.from({ length: 3000 }, (_, n) => ({
      labels: `{s="${n % 2}"}`,
      sec: 1_700_000_000 + n,
      nanos: n,
      line: `line ${n} ${'y'.repeat(n % 97)}`,
    }));
    for (const i of many)
      b.add(i.labels, i.sec, i.nanos, Buffer.from(i.line), 0, Buffer.byteLength(i.line), [], 1, NO_ACK);
    assert.equal(b.add('{s="2"}', 1, 1, Buffer.from('x'), 0, 1, [], 1, NO_ACK), false);
    assert.equal(b.entryCount, 3000);
    assert.deepEqual(flat(decodePushRequestProto(b.encodeProto()).streams), flat(expected(many)));
  });

  it('compresses the request with snappy', () => {
    const b = batchOf(inputs(true));
    const raw = Buffer.from(b.encodeProto());
    assert.deepEqual(snappy.uncompressSync(b.encode()), raw);
  });
});
