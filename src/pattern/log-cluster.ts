// A Drain cluster: the template its lines share (tokens, with the placeholder
// where they differ), its sample counts, and its place in the cache of live
// clusters.
import type { SampleChunks } from './sample-chunks.js';

export class LogCluster {
  /** Whether the cluster is still in its Drain's cache (evicted and pruned clusters are not). */
  live = true;
  /** Neighbours in the cache's recency list (older / newer). */
  older: LogCluster | null = null;
  newer: LogCluster | null = null;

  constructor(
    /** Creation order within its Drain, from 1. */
    readonly id: number,
    /** The template; tokens are replaced by the placeholder as lines disagree on them. */
    readonly tokens: string[],
    /** Where the first line had spaces (punctuation tokenizer); the pattern keeps that spacing. */
    readonly spaces: readonly number[],
    readonly samples: SampleChunks,
  ) {}
}
