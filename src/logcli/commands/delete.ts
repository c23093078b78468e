// `delete create|list|cancel`: log deletion requests on the compactor.
import type { DeleteRequest } from '../client/response.js';
import { JsonNumber, type JsonValue, marshalIndent } from '../format/go-json.js';
import { formatTimestamp } from '../format/time-layout.js';
import type { TimeZone } from '../format/time-zone.js';
import { FatalError, writeText } from '../io.js';
import type { RunContext } from '../query/context.js';

export interface DeleteCreateSpec {
  query: string;
  startNs: bigint;
  endNs: bigint;
  maxInterval: string;
  quiet: boolean;
}

function unixSeconds(ns: bigint): string {
  // Go's Time.Unix() rounds toward the past.
  const s = ns / 1_000_000_000n;
  return (ns < 0n && s * 1_000_000_000n !== ns ? s - 1n : s).toString();
}

export async function runDeleteCreate(ctx: RunContext, spec: DeleteCreateSpec): Promise<void> {
  try {
    await ctx.client.createDeleteRequest(
      {
        query: spec.query,
        start: unixSeconds(spec.startNs),
        end: unixSeconds(spec.endNs),
        maxInterval: spec.maxInterval,
      },
      spec.quiet,
    );
  } catch (err) {
    throw new FatalError(`Error creating delete request: ${(err as Error).message}`);
  }
  if (!spec.quiet) await writeText(ctx.stdout, 'Delete request created successfully\n');
}

/** The human-readable listing: times in the local zone. */
export function deleteListText(requests: readonly DeleteRequest[], quiet: boolean, zone: TimeZone): string {
  const time = (s: number) => formatTimestamp(BigInt(s) * 1_000_000_000n, zone, 'rfc3339');
  let out = quiet ? '' : `Found ${requests.length} delete requests:\n`;
  for (const r of requests) {
    out += `Query: ${r.query}\nStart Time: ${time(r.startTime)}\nEnd Time: ${time(r.endTime)}\nStatus: ${r.status}\n---\n`;
  }
  return out;
}

/** `-o jsonl`: the list as indented JSON (json.Encoder with a two-space indent). */
export function deleteListJson(requests: readonly DeleteRequest[] | null): string {
  if (requests === null) return 'null\n';
  const value: JsonValue = requests.map(
    (r) =>
      new Map<string, JsonValue>([
        ['start_time', new JsonNumber(String(r.startTime))],
        ['end_time', new JsonNumber(String(r.endTime))],
        ['query', r.query],
        ['status', r.status],
      ]),
  );
  return `${marshalIndent(value)}\n`;
}

export async function runDeleteList(ctx: RunContext, json: boolean, quiet: boolean, zone: TimeZone): Promise<void> {
  let requests: DeleteRequest[] | null;
  try {
    requests = await ctx.client.listDeleteRequests(quiet);
  } catch (err) {
    throw new FatalError(`Error listing delete requests: ${(err as Error).message}`);
  }
  await writeText(ctx.stdout, json ? deleteListJson(requests) : deleteListText(requests ?? [], quiet, zone));
}

export async function runDeleteCancel(
  ctx: RunContext,
  requestId: string,
  force: boolean,
  quiet: boolean,
): Promise<void> {
  try {
    await ctx.client.cancelDeleteRequest(requestId, force, quiet);
  } catch (err) {
    throw new FatalError(`Error cancelling delete request: ${(err as Error).message}`);
  }
  if (!quiet) await writeText(ctx.stdout, `Delete request ${requestId} cancelled successfully\n`);
}
