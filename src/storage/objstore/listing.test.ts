import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareKeys, groupByDelimiter } from './listing.js';

function utf8Order(a: string, b: string): number {
  return Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

test('compareKeys orders keys by their UTF-8 bytes, as S3 does', () => {
  const samples = [
    '',
    'a',
    'a/',
    'a/b',
    'a:b',
    'ab',
    'B',
    'é',
    '\uffff',
    '\u{1f600}',
    '\ue000',
    'z\u{10000}',
    'z\uff00',
  ];
  for (const a of samples) {
    for (const b of samples) {
      assert.equal(Math.sign(compareKeys(a, b)), utf8Order(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
  }
});

test('compareKeys puts supplementary characters after the rest of the BMP, unlike UTF-16 order', () => {
  const keys = ['\u{1f600}', '\uff01'];
  assert.deepEqual(keys.slice().sort(), ['\u{1f600}', '\uff01']);
  assert.deepEqual(keys.slice().sort(compareKeys), ['\uff01', '\u{1f600}']);
});

test('groupByDelimiter collapses keys into common prefixes after the listing prefix', () => {
  const objects = ['p/a/1', 'p/a/2', 'p/b', 'p/c/d/e'].map((key) => ({ key, size: 1, modifiedMs: 0 }));
  const grouped = groupByDelimiter(objects, 'p/', '/');
  assert.deepEqual(
    grouped.objects.map((o) => o.key),
    ['p/b'],
  );
  assert.deepEqual(grouped.commonPrefixes, ['p/a/', 'p/c/']);
  const flat = groupByDelimiter(objects.slice().reverse(), 'p/', undefined);
  assert.deepEqual(
    flat.objects.map((o) => o.key),
    ['p/a/1', 'p/a/2', 'p/b', 'p/c/d/e'],
  );
  assert.deepEqual(flat.commonPrefixes, []);
});

test('groupByDelimiter only looks for the delimiter after the prefix', () => {
  const objects = ['a/b/c', 'a/bd'].map((key) => ({ key, size: 1, modifiedMs: 0 }));
  assert.deepEqual(groupByDelimiter(objects, 'a/b', '/').commonPrefixes, ['a/b/']);
  assert.deepEqual(groupByDelimiter(objects, 'a/b/', '/').commonPrefixes, []);
});
