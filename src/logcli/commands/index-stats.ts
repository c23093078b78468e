// `stats <query>`: how much data the index holds for a selector, printed as
// logcli prints it (bytes humanised without the space, e.g. `1.2MB`).
import type { IndexStats } from '../client/response.js';
import type { Colorizer } from '../format/color.js';
import { humanizeBytes } from '../format/go-text.js';
import { FatalError, writeText } from '../io.js';
import type { RunContext } from '../query/context.js';

export interface IndexStatsSpec {
  query: string;
  startNs: bigint;
  endNs: bigint;
  quiet: boolean;
}

export function formatIndexStats(stats: IndexStats, colors: Colorizer): string {
  const key = (k: string) => colors.blue(k);
  return [
    '{\n',
    `  ${key('bytes')}: ${humanizeBytes(stats.bytes).replace(' ', '')}\n`,
    `  ${key('chunks')}: ${stats.chunks}\n`,
    `  ${key('streams')}: ${stats.streams}\n`,
    `  ${key('entries')}: ${stats.entries}\n`,
    '}\n',
  ].join('');
}

export async function runIndexStats(ctx: RunContext, spec: IndexStatsSpec): Promise<void> {
  let stats: IndexStats;
  try {
    stats = await ctx.client.indexStats(spec.query, spec.startNs, spec.endNs, spec.quiet);
  } catch (err) {
    throw new FatalError(`Error doing request: ${(err as Error).message}`);
  }
  await writeText(ctx.stdout, formatIndexStats(stats, ctx.colors));
}
