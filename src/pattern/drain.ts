// Drain, the online log template miner (He et al., ICWS 2017), as Loki's
// pattern ingester runs it for one stream and level.
//
// Lines are tokenized, then routed through a prefix tree: the first level
// branches on the token count, the next levels on the leading tokens (up to
// the tree depth, with tokens that contain digits and overflow beyond
// `maxChildren` sharing a placeholder branch). The leaf holds candidate
// clusters; the line joins the most similar one if at least `simTh` of their
// tokens agree, turning the disagreeing tokens of the template into
// placeholders, and otherwise starts a new cluster. Clusters live in a
// bounded LRU cache; evicting too many pauses the stream (EvictionLimiter).
import { decodeRune, detachedCopy, runeOf, widthOf } from './byte-string.js';
import { ClusterCache } from './cluster-cache.js';
import { EvictionLimiter } from './eviction-limiter.js';
import { type LineTokenizer, PARAM, TokenBuffer } from './line-tokenizer.js';
import { LogCluster } from './log-cluster.js';
import { collapsePlaceholderRuns } from './placeholders.js';
import { SampleChunks, type SampleSettings } from './sample-chunks.js';
import { NUMBER, runeClass } from './unicode.js';

export interface DrainSettings extends SampleSettings {
  /** Depth of the prefix tree including the token-count level and the leaf (Loki: 30). */
  readonly logClusterDepth: number;
  /** Share of equal tokens a line needs to join a cluster (Loki: 0.3). */
  readonly simTh: number;
  /** Branching limit of a tree node (Loki: 15). */
  readonly maxChildren: number;
  /** Live clusters kept; 0 for no limit (`max_clusters`, 300). */
  readonly maxClusters: number;
  /** Evictions per trained line that pause training (`max_eviction_ratio`, 0.25). */
  readonly maxEvictionRatio: number;
}

/** Lines with fewer tokens carry no pattern worth keeping; Loki skips them. */
const MIN_TOKENS = 4;
/** Lines with more tokens are skipped too (they are mostly dumps of structures). */
const MAX_TOKENS = 80;

/**
 * A node of the prefix tree. Children are kept in parallel arrays and found
 * by a linear scan: fan-out is capped at `maxChildren` and most nodes have a
 * single child, where comparing a freshly sliced token with each key beats
 * hashing it for a Map lookup (as Loki found for its Go version).
 */
class PrefixNode {
  readonly keys: string[] = [];
  readonly nodes: PrefixNode[] = [];
  /** Clusters ending at this leaf; evicted ones linger until the next insertion here. */
  clusters: LogCluster[] = [];

  child(key: string): PrefixNode | undefined {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.nodes[i];
    return undefined;
  }

  addChild(key: string): PrefixNode {
    const node = new PrefixNode();
    this.keys.push(key);
    this.nodes.push(node);
    return node;
  }

  get childCount(): number {
    return this.keys.length;
  }
}

function hasNumber(token: string): boolean {
  for (let i = 0; i < token.length; ) {
    const c = token.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x30 && c <= 0x39) return true;
      i++;
      continue;
    }
    const d = decodeRune(token, i);
    if (runeClass(runeOf(d)) & NUMBER) return true;
    i += widthOf(d);
  }
  return false;
}

export class Drain {
  /** The tree's first level: one subtree per token count. */
  private readonly byTokenCount: (PrefixNode | undefined)[] = [];
  private readonly cache: ClusterCache;
  private readonly limiter: EvictionLimiter;
  private readonly buffer = new TokenBuffer();
  /** The deepest tree level that branches on a token. */
  private readonly maxNodeDepth: number;
  private clustersCreated = 0;

  constructor(
    private readonly settings: DrainSettings,
    private readonly tokenizer: LineTokenizer,
  ) {
    if (settings.logClusterDepth < 3) throw new Error('depth argument must be at least 3');
    this.maxNodeDepth = settings.logClusterDepth - 2;
    this.cache = new ClusterCache(settings.maxClusters);
    this.limiter = new EvictionLimiter(settings.maxEvictionRatio);
  }

  /**
   * Trains on one line (a byte string) seen at `tsMs`; `clock` gives the wall
   * clock (ms) the eviction limiter's pause runs on. Returns the cluster the
   * line joined or created, or null when the line was skipped.
   */
  train(line: string, tsMs: number, clock: () => number): LogCluster | null {
    if (!this.limiter.allow(clock)) return null;
    const buffer = this.buffer;
    if (!this.tokenizer.tokenize(line, buffer)) return null;
    const n = buffer.count;
    if (n < MIN_TOKENS || n > MAX_TOKENS) return null;

    const match = this.treeSearch(buffer.tokens, n);
    if (match === null) return this.createCluster(tsMs);

    const template = match.tokens;
    const tokens = buffer.tokens;
    for (let i = 0; i < n; i++) {
      if (template[i] !== tokens[i]) template[i] = PARAM;
    }
    match.samples.add(tsMs);
    this.cache.use(match);
    return match;
  }

  /** Live clusters, least recently used first. */
  clusters(): LogCluster[] {
    return this.cache.values();
  }

  /** The printed pattern of a cluster; '' when the tokenizer cannot print it. */
  pattern(cluster: LogCluster): string {
    return collapsePlaceholderRuns(this.tokenizer.join(cluster.tokens, cluster.spaces));
  }

  /** Removes a cluster whose samples have all expired (not counted as an eviction). */
  delete(cluster: LogCluster): void {
    this.cache.remove(cluster);
  }

  /** Drops the tree branches that no longer lead to a live cluster. */
  pruneTree(): void {
    const byCount = this.byTokenCount;
    for (let n = 0; n < byCount.length; n++) {
      const node = byCount[n];
      if (node !== undefined && this.pruneNode(node) === 0) byCount[n] = undefined;
    }
  }

  /** Whether the eviction limiter is pausing this Drain at `nowMs`. */
  isPaused(nowMs: number): boolean {
    return this.limiter.isBlocked(nowMs);
  }

  /** Number of tree nodes (counting the root, as Loki does), for tests and memory accounting. */
  nodeCount(): number {
    const count = (node: PrefixNode): number => {
      let total = 1;
      for (const child of node.nodes) total += count(child);
      return total;
    };
    let total = 1;
    for (const node of this.byTokenCount) if (node !== undefined) total += count(node);
    return total;
  }

  private createCluster(tsMs: number): LogCluster {
    const tokens = this.buffer.tokenList();
    for (let i = 0; i < tokens.length; i++) tokens[i] = detachedCopy(tokens[i]!);
    const cluster = new LogCluster(
      ++this.clustersCreated,
      tokens,
      this.buffer.spaceList(),
      new SampleChunks(this.settings),
    );
    cluster.samples.add(tsMs);
    if (this.cache.add(cluster) !== null) this.limiter.recordEviction();
    this.addToTree(cluster);
    return cluster;
  }

  private treeSearch(tokens: readonly string[], n: number): LogCluster | null {
    let node = this.byTokenCount[n];
    if (node === undefined) return null;
    let depth = 1;
    for (let i = 0; i < n; i++) {
      if (depth >= this.maxNodeDepth || depth === n) break;
      const next: PrefixNode | undefined = node.child(tokens[i]!) ?? node.child(PARAM);
      if (next === undefined) return null;
      node = next;
      depth++;
    }
    return this.bestMatch(node.clusters, tokens, n);
  }

  /** The most similar live cluster, if similar enough; ties go to the one with more placeholders. */
  private bestMatch(candidates: readonly LogCluster[], tokens: readonly string[], n: number): LogCluster | null {
    let best: LogCluster | null = null;
    let bestSim = -1;
    let bestParams = -1;
    for (const candidate of candidates) {
      if (this.cache.use(candidate) === null) continue;
      const template = candidate.tokens;
      let same = 0;
      let params = 0;
      let comparable = true;
      for (let i = 0; i < n; i++) {
        const t = template[i]!;
        // Loki requires an exact match for template tokens starting with a NUL byte.
        if (t.length > 0 && t.charCodeAt(0) === 0 && t !== tokens[i]) {
          comparable = false;
          break;
        }
        if (t === PARAM) params++;
        else if (t === tokens[i]) same++;
      }
      if (!comparable) continue;
      const sim = same / n;
      if (sim > bestSim || (sim === bestSim && params > bestParams)) {
        bestSim = sim;
        bestParams = params;
        best = candidate;
      }
    }
    return bestSim >= this.settings.simTh ? best : null;
  }

  private addToTree(cluster: LogCluster): void {
    const tokens = cluster.tokens;
    const n = tokens.length;
    let node = this.byTokenCount[n];
    if (node === undefined) {
      node = new PrefixNode();
      this.byTokenCount[n] = node;
    }
    let depth = 1;
    for (const token of tokens) {
      if (depth >= this.maxNodeDepth || depth >= n) {
        // Tidy the leaf while here: forget the clusters evicted since.
        const live = node.clusters.filter((c) => this.cache.use(c) !== null);
        live.push(cluster);
        node.clusters = live;
        return;
      }
      node = this.childFor(node, token);
      depth++;
    }
  }

  /** The child to descend into for `token` when inserting, creating it as Loki's rules allow. */
  private childFor(node: PrefixNode, token: string): PrefixNode {
    const existing = node.child(token);
    if (existing !== undefined) return existing;
    const param = node.child(PARAM);
    const maxChildren = this.settings.maxChildren;
    if (hasNumber(token)) {
      // Tokens with digits are likely variable: they all share the placeholder branch.
      return param ?? node.addChild(PARAM);
    }
    if (param !== undefined) {
      return node.childCount < maxChildren ? node.addChild(token) : param;
    }
    if (node.childCount + 1 < maxChildren) return node.addChild(token);
    // The last free slot goes to the placeholder branch, which takes every later token.
    return node.addChild(PARAM);
  }

  /** Returns the number of children plus live clusters left under `node`. */
  private pruneNode(node: PrefixNode): number {
    const { keys, nodes } = node;
    for (let i = 0; i < keys.length; ) {
      if (this.pruneNode(nodes[i]!) === 0) {
        keys.splice(i, 1);
        nodes.splice(i, 1);
      } else {
        i++;
      }
    }
    let live = 0;
    for (const c of node.clusters) if (this.cache.use(c) !== null) live++;
    return keys.length + live;
  }
}
