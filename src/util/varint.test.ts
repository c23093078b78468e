import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteReader, ByteWriter, CorruptDataError } from './varint.js';

describe('varint writer and reader', () => {
  it('round-trips unsigned and signed varints up to 2^53', () => {
    const values = [0, 1, 127, 128, 300, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1];
    const w = new ByteWriter(4);
    for (const v of values) w.uvarint(v);
    for (const v of values) w.varint(-Math.min(v, 2 ** 52));
    const r = new ByteReader(w.toBuffer());
    for (const v of values) assert.equal(r.uvarint(), v);
    for (const v of values) assert.equal(r.varint(), -Math.min(v, 2 ** 52) || 0);
    assert.equal(r.remaining, 0);
  });

  it('round-trips strings and length-prefixed bytes, including multi-byte UTF-8', () => {
    const w = new ByteWriter(2);
    w.string('héllo 世界');
    w.lenBytes(Buffer.from([1, 2, 3]));
    w.string('x'.repeat(1000));
    const r = new ByteReader(w.view());
    assert.equal(r.string(), 'héllo 世界');
    assert.deepEqual([...r.lenBytes()], [1, 2, 3]);
    assert.equal(r.string().length, 1000);
  });

  it('reports truncated input as corrupt data instead of reading garbage', () => {
    const w = new ByteWriter();
    w.string('abcdef');
    const truncated = w.toBuffer().subarray(0, 4);
    assert.throws(() => new ByteReader(truncated).string(), CorruptDataError);
    assert.throws(() => new ByteReader(Buffer.from([0x80, 0x80])).uvarint(), CorruptDataError);
  });
});
