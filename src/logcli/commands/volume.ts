// `volume` and `volume_range`: bytes per series (or per label with
// --aggregateByLabels) from the index, printed like a metric query result.
import type { VolumeRequest } from '../client/client.js';
import type { QueryResponse } from '../client/response.js';
import { FatalError, writeText } from '../io.js';
import { metricResultJson } from '../print/metric-json.js';
import { formatStats } from '../print/stats.js';
import type { RunContext } from '../query/context.js';

export async function runVolume(ctx: RunContext, req: VolumeRequest, range: boolean): Promise<void> {
  let resp: QueryResponse;
  try {
    resp = await ctx.client.volume(req, range);
  } catch (err) {
    throw new FatalError(`Error doing request: ${(err as Error).message}`);
  }
  if (ctx.statistics) ctx.log.raw(formatStats(resp.stats, ctx.colors));
  await writeText(ctx.stdout, volumeText(resp));
}

/** What logcli prints for a volume answer: its vector or matrix as indented JSON. */
export function volumeText(resp: QueryResponse): string {
  return metricResultJson(resp.result) ?? '';
}
