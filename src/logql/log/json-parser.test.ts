import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StageOptions } from './options.js';
import { compilePipeline } from './pipeline.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** JSON objects from a small vocabulary of keys, so layouts repeat and differ. */
function randomObject(r: () => number, depth: number): string {
  const keys = ['a', 'b', 'ab', 'ba', 'a b', 'x-y', '1', 'é', 'app', 'a\\"q'];
  const n = Math.floor(r() * 5);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = keys[Math.floor(r() * keys.length)]!;
    const roll = r();
    const value =
      roll < 0.25 && depth < 3
        ? randomObject(r, depth + 1)
        : roll < 0.5
          ? String(Math.floor(r() * 100))
          : roll < 0.6
            ? '[1,{"a":2}]'
            : roll < 0.7
              ? 'null'
              : `"v${Math.floor(r() * 5)}\\n"`;
    parts.push(`"${key}":${value}`);
  }
  return `{${parts.join(r() < 0.5 ? ',' : ' , ')}}`;
}

describe('JsonParserStage', () => {
  it('gives every line the labels a fresh parser gives it, whatever came before', () => {
    const stages: StageOptions[] = [{ kind: 'json' }];
    const shared = compilePipeline(stages).forStream([{ name: 'app', value: 'x' }]);
    const r = rng(99);
    for (let i = 0; i < 3000; i++) {
      const line = randomObject(r, 0);
      const fresh = compilePipeline(stages).forStream([{ name: 'app', value: 'x' }]);
      assert.equal(shared.process(line, 0n), fresh.process(line, 0n));
      assert.equal(shared.labels().key, fresh.labels().key, line);
    }
  });

  it('does not mistake a key of a nested object for a sibling of the same name', () => {
    const p = compilePipeline([{ kind: 'json' }]).forStream([]);
    for (let i = 0; i < 3; i++) {
      assert.ok(p.process('{"a":{"b":1},"b":2}', 0n));
      assert.equal(p.labels().key, '{a_b="1", b="2"}');
      assert.ok(p.process('{"b":3,"a":{"b":4}}', 0n));
      assert.equal(p.labels().key, '{a_b="4", b="3"}');
    }
  });

  it('recognises a known key as a prefix of a longer one', () => {
    const p = compilePipeline([{ kind: 'json' }]).forStream([]);
    assert.ok(p.process('{"ab":1,"c":2}', 0n));
    assert.ok(p.process('{"abc":1,"c":2}', 0n));
    assert.equal(p.labels().key, '{abc="1", c="2"}');
    assert.ok(p.process('{"a":1,"c":2}', 0n));
    assert.equal(p.labels().key, '{a="1", c="2"}');
  });

  it('treats an escaped key and its plain spelling as the same key', () => {
    const p = compilePipeline([{ kind: 'json' }]).forStream([]);
    assert.ok(p.process('{"a\\u0062":1,"ab":2}', 0n));
    assert.equal(p.labels().key, '{ab="1"}');
    assert.ok(p.process('{"ab":3}', 0n));
    assert.equal(p.labels().key, '{ab="3"}');
  });

  it('stays correct past its key and label name caches', () => {
    const p = compilePipeline([{ kind: 'json' }]).forStream([]);
    for (let i = 0; i < 10_000; i++) {
      assert.ok(p.process(`{"k${i}":{"n${i}":${i}},"fixed":"x"}`, 0n));
      assert.equal(p.labels().key, `{fixed="x", k${i}_n${i}="${i}"}`);
    }
  });
});
