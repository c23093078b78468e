import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClusterCache } from './cluster-cache.js';
import { LogCluster } from './log-cluster.js';
import { SampleChunks } from './sample-chunks.js';

const settings = { sampleIntervalMs: 10_000, maxChunkAgeMs: 3_600_000 };
const cluster = (id: number) => new LogCluster(id, [], [], new SampleChunks(settings));
const ids = (cache: ClusterCache) => cache.values().map((c) => c.id);

describe('cluster cache', () => {
  it('evicts the least recently used cluster when full', () => {
    const cache = new ClusterCache(2);
    const [a, b, c] = [cluster(1), cluster(2), cluster(3)];
    assert.equal(cache.add(a), null);
    assert.equal(cache.add(b), null);
    assert.equal(cache.use(a), a);
    assert.equal(cache.add(c), b);
    assert.deepEqual(ids(cache), [1, 3]);
    assert.equal(b.live, false);
    assert.equal(cache.use(b), null, 'an evicted cluster is gone');
  });

  it('lists clusters from least to most recently used', () => {
    const cache = new ClusterCache(0);
    const all = [1, 2, 3, 4].map(cluster);
    for (const c of all) cache.add(c);
    cache.use(all[1]!);
    cache.use(all[0]!);
    assert.deepEqual(ids(cache), [3, 4, 2, 1]);
    assert.equal(cache.size, 4);
  });

  it('removes clusters without counting an eviction', () => {
    const cache = new ClusterCache(3);
    const [a, b] = [cluster(1), cluster(2)];
    cache.add(a);
    cache.add(b);
    cache.remove(a);
    cache.remove(a);
    assert.deepEqual(ids(cache), [2]);
    assert.equal(cache.size, 1);
  });
});
