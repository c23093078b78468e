// A tenant's streams in the ingester, with an inverted index from label
// name/value to streams so that a selector finds its streams without a scan.
import type { Labels } from '../util/labels.js';
import { fingerprint } from '../util/labels.js';
import { getOrCreate } from '../util/maps.js';
import type { CompiledMatcher } from '../util/matchers.js';
import { type ChunkFactory, Stream } from './stream.js';

export class TenantInstance {
  readonly streams = new Map<string, Stream>();
  private readonly postings = new Map<string, Map<string, Set<Stream>>>();

  constructor(
    readonly tenant: string,
    private readonly newChunk: ChunkFactory,
    private readonly maxChunkAgeMs: number,
  ) {}

  get(key: string): Stream | undefined {
    return this.streams.get(key);
  }

  create(labels: Labels, key: string): Stream {
    const s = new Stream(this.tenant, labels, key, fingerprint(key), this.newChunk, this.maxChunkAgeMs);
    this.streams.set(key, s);
    for (const l of labels) {
      const byValue = getOrCreate(this.postings, l.name, () => new Map());
      const set = getOrCreate(byValue, l.value, () => new Set());
      set.add(s);
    }
    return s;
  }

  remove(s: Stream): void {
    if (this.streams.get(s.key) !== s) return;
    this.streams.delete(s.key);
    for (const l of s.labels) {
      const byValue = this.postings.get(l.name);
      const set = byValue?.get(l.value);
      if (!set) continue;
      set.delete(s);
      if (set.size === 0) byValue!.delete(l.value);
      if (byValue!.size === 0) this.postings.delete(l.name);
    }
  }

  /** Streams matching every matcher. */
  select(matchers: readonly CompiledMatcher[]): Stream[] {
    // Narrow with the most selective value-matching matcher, then test the rest per stream.
    let candidates: Iterable<Stream> = this.streams.values();
    let best = Number.POSITIVE_INFINITY;
    for (const m of matchers) {
      if (m.matchesEmpty) continue;
      const byValue = this.postings.get(m.name);
      if (!byValue) return [];
      if (m.op === '=') {
        const set = byValue.get(m.value);
        if (!set) return [];
        if (set.size < best) {
          best = set.size;
          candidates = set;
        }
      }
    }
    const out: Stream[] = [];
    outer: for (const s of candidates) {
      for (const m of matchers) {
        let value = '';
        for (const l of s.labels) {
          if (l.name === m.name) {
            value = l.value;
            break;
          }
        }
        if (!m.matches(value)) continue outer;
      }
      out.push(s);
    }
    return out;
  }
}
