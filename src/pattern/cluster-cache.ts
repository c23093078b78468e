// The bounded set of live clusters of one Drain, least recently used first
// out: `max_clusters` per stream and level in Loki. Every lookup counts as a
// use, including the ones Drain makes while comparing candidate clusters and
// while tidying the prefix tree, exactly as in Loki, because which cluster is
// evicted next decides which patterns survive.
//
// The recency list is threaded through the clusters themselves, so a lookup
// is a few pointer moves and no hashing.
import type { LogCluster } from './log-cluster.js';

export class ClusterCache {
  private oldest: LogCluster | null = null;
  private newest: LogCluster | null = null;
  private count = 0;

  /** `maxSize` 0 means unbounded. */
  constructor(private readonly maxSize: number) {}

  get size(): number {
    return this.count;
  }

  /**
   * Adds a new cluster as the most recently used; returns the cluster evicted
   * to make room, if any.
   */
  add(cluster: LogCluster): LogCluster | null {
    cluster.live = true;
    this.linkNewest(cluster);
    this.count++;
    if (this.maxSize > 0 && this.count > this.maxSize) {
      const evicted = this.oldest!;
      this.remove(evicted);
      return evicted;
    }
    return null;
  }

  /** The cluster if it is still live, marked as just used; null otherwise. */
  use(cluster: LogCluster): LogCluster | null {
    if (!cluster.live) return null;
    if (cluster !== this.newest) {
      this.unlink(cluster);
      this.linkNewest(cluster);
    }
    return cluster;
  }

  remove(cluster: LogCluster): void {
    if (!cluster.live) return;
    this.unlink(cluster);
    cluster.live = false;
    this.count--;
  }

  /** Live clusters, least recently used first. */
  values(): LogCluster[] {
    const out: LogCluster[] = [];
    for (let c = this.oldest; c !== null; c = c.newer) out.push(c);
    return out;
  }

  private linkNewest(cluster: LogCluster): void {
    cluster.older = this.newest;
    cluster.newer = null;
    if (this.newest) this.newest.newer = cluster;
    else this.oldest = cluster;
    this.newest = cluster;
  }

  private unlink(cluster: LogCluster): void {
    if (cluster.older) cluster.older.newer = cluster.newer;
    else this.oldest = cluster.newer;
    if (cluster.newer) cluster.newer.older = cluster.older;
    else this.newest = cluster.older;
    cluster.older = null;
    cluster.newer = null;
  }
}
