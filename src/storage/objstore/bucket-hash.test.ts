import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketForKey, fnv32a } from './bucket-hash.js';

test('fnv32a matches the published FNV-1a test vectors', () => {
  assert.equal(fnv32a(''), 0x811c9dc5);
  assert.equal(fnv32a('a'), 0xe40c292c);
  assert.equal(fnv32a('foobar'), 0xbf9cf968);
});

test('fnv32a hashes the UTF-8 bytes of non-ASCII keys', () => {
  // "é" is 0xc3 0xa9 in UTF-8.
  let expected = 0x811c9dc5;
  for (const byte of [0x61, 0xc3, 0xa9]) expected = Math.imul(expected ^ byte, 0x01000193) >>> 0;
  assert.equal(fnv32a('aé'), expected);
});

test('bucketForKey picks buckets[fnv32a(key) % n] like Loki', () => {
  const buckets = ['chunks-0', 'chunks-1', 'chunks-2'];
  const key = 'fake/8b2a9c1f4e3d/18c9:18ca:1a2b3c4d';
  assert.equal(bucketForKey(buckets, key), buckets[fnv32a(key) % 3]);
  assert.equal(bucketForKey(['only'], key), 'only');
});

test('bucketForKey spreads many keys over all buckets', () => {
  const counts = new Map<string, number>();
  const buckets = ['a', 'b', 'c', 'd'];
  for (let i = 0; i < 4000; i++) {
    const bucket = bucketForKey(buckets, `fake/${i.toString(16)}/${i}:${i + 1}:abcdef`);
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  }
  for (const bucket of buckets) assert.ok((counts.get(bucket) ?? 0) > 700, `${bucket}: ${counts.get(bucket)}`);
});
