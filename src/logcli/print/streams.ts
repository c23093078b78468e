// Log results as logcli prints one response of them: labels shared by every
// stream are reported once ("Common labels: ...") and left out of each line,
// the --include-label / --exclude-label filters apply, label columns are padded
// to the widest set, and the entries of all streams are merged in time order.
// Entries repeated from the previous batch (paging restarts at the last
// timestamp seen) are skipped.
import type { Entry, Stream } from '../client/response.js';
import type { Colorizer } from '../format/color.js';
import { commonLabels, formatLabelSet, type LabelSet, matchLabels, subtractLabels } from '../labels.js';
import type { LogFormatter } from '../output.js';

export interface StreamPrintOptions {
  /** --include-label */
  showLabelsKey: readonly string[];
  /** --exclude-label */
  ignoreLabelsKey: readonly string[];
  quiet: boolean;
  /** --labels-length */
  fixedLabelsLen: number;
  forward: boolean;
  /** --include-common-labels */
  includeCommonLabels: boolean;
}

export interface RenderedStreams {
  /** Messages for stderr, each one line without the logger's prefix. */
  notes: string[];
  /** The formatted lines for stdout. */
  text: string;
  /** Entries written (overlap with the previous batch not counted). */
  printed: number;
  /** Every entry sharing the last timestamp, for the next batch to skip. */
  lastEntries: Entry[];
}

interface Tagged {
  entry: Entry;
  labels: LabelSet;
}

export function renderStreams(
  streams: readonly Stream[],
  opts: StreamPrintOptions,
  formatter: LogFormatter,
  colors: Colorizer,
  previousLast: readonly Entry[],
): RenderedStreams {
  const notes: string[] = [];
  let common = commonLabels(streams.map((s) => s.labels));
  if (opts.showLabelsKey.length > 0) common = matchLabels(false, common, opts.showLabelsKey);
  if (!opts.quiet) {
    if (common.size > 0) notes.push(`Common labels: ${colors.red(formatLabelSet(common))}`);
    if (opts.ignoreLabelsKey.length > 0)
      notes.push(`Ignoring labels key: ${colors.red(opts.ignoreLabelsKey.join(','))}`);
    if (opts.showLabelsKey.length > 0) notes.push(`Print only labels key: ${colors.red(opts.showLabelsKey.join(','))}`);
  }

  let maxLabelsLen = opts.fixedLabelsLen;
  const all: Tagged[] = [];
  for (const s of streams) {
    let ls = opts.includeCommonLabels ? s.labels : subtractLabels(s.labels, common);
    if (opts.showLabelsKey.length > 0) ls = matchLabels(true, ls, opts.showLabelsKey);
    if (opts.ignoreLabelsKey.length > 0) ls = matchLabels(false, ls, opts.ignoreLabelsKey);
    maxLabelsLen = Math.max(maxLabelsLen, Buffer.byteLength(formatLabelSet(ls)));
    for (const entry of s.entries) all.push({ entry, labels: ls });
  }
  if (all.length === 0) return { notes, text: '', printed: 0, lastEntries: [] };

  // Stable, so entries sharing a timestamp keep the server's order.
  if (opts.forward) all.sort((a, b) => (a.entry.tsNs < b.entry.tsNs ? -1 : a.entry.tsNs > b.entry.tsNs ? 1 : 0));
  else all.sort((a, b) => (a.entry.tsNs > b.entry.tsNs ? -1 : a.entry.tsNs < b.entry.tsNs ? 1 : 0));

  const overlapTs = previousLast.length > 0 ? previousLast[0].tsNs : undefined;
  const parts: string[] = [];
  for (const { entry, labels } of all) {
    if (entry.tsNs === overlapTs && previousLast.some((e) => e.line === entry.line)) continue;
    parts.push(formatter.format(entry.tsNs, labels, maxLabelsLen, entry.line));
  }

  const lastTs = all[all.length - 1].entry.tsNs;
  const lastEntries = all.filter((t) => t.entry.tsNs === lastTs).map((t) => t.entry);
  return { notes, text: parts.join(''), printed: parts.length, lastEntries };
}
