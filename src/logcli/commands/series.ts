// `series <matcher>`: the streams matching a selector, one label set per line,
// or with --analyze-labels a table of how many values each label has and in
// how many streams it appears (sorted by value count, highest first), to find
// the labels behind high cardinality.
import { compareBytes } from '../format/go-json.js';
import { tabwrite } from '../format/tabwriter.js';
import { FatalError, writeText } from '../io.js';
import { formatLabelSet, type LabelSet } from '../labels.js';
import type { RunContext } from '../query/context.js';

export interface SeriesSpec {
  matcher: string;
  startNs: bigint;
  endNs: bigint;
  analyzeLabels: boolean;
  quiet: boolean;
}

/** The --analyze-labels report for a list of streams. */
export function analyzeLabels(streams: readonly LabelSet[]): string {
  const details = new Map<string, { inStreams: number; values: Set<string> }>();
  for (const stream of streams) {
    for (const [name, value] of stream) {
      const d = details.get(name);
      if (d) {
        d.inStreams++;
        d.values.add(value);
      } else details.set(name, { inStreams: 1, values: new Set([value]) });
    }
  }
  // logcli's order among labels with equally many values is unspecified; by name here.
  const rows = [...details.entries()].sort(([an, a], [bn, b]) => b.values.size - a.values.size || compareBytes(an, bn));
  const table = tabwrite(
    `Label Name\tUnique Values\tFound In Streams\n${rows.map(([name, d]) => `${name}\t${d.values.size}\t${d.inStreams}\n`).join('')}`,
    { minwidth: 0, tabwidth: 0, padding: 2, padchar: ' ' },
  );
  // fmt.Println with two operands puts a space between them.
  return `Total Streams:  ${streams.length}\nUnique Labels:  ${details.size}\n\n${table}`;
}

export async function runSeries(ctx: RunContext, spec: SeriesSpec): Promise<void> {
  let streams: LabelSet[];
  try {
    streams = await ctx.client.series([spec.matcher], spec.startNs, spec.endNs, spec.quiet);
  } catch (err) {
    throw new FatalError(`Error doing request: ${(err as Error).message}`);
  }
  const text = spec.analyzeLabels ? analyzeLabels(streams) : streams.map((s) => `${formatLabelSet(s)}\n`).join('');
  await writeText(ctx.stdout, text);
}
