// `detected-fields <query> [field]`: the fields the server detects in the
// matching lines (or the values of one field). `-o raw` prints the answer as
// JSON; otherwise one line per field, sorted.
import type { DetectedFieldsRequest } from '../client/client.js';
import type { DetectedFieldsResponse } from '../client/response.js';
import type { Colorizer } from '../format/color.js';
import { compareBytes, JsonNumber, type JsonValue, marshal } from '../format/go-json.js';
import { FatalError, writeText } from '../io.js';
import type { OutputMode } from '../output.js';
import type { RunContext } from '../query/context.js';

/** The response re-encoded with Go's omitempty rules, as `-o raw` prints it. */
export function detectedFieldsJson(resp: DetectedFieldsResponse): string {
  const root = new Map<string, JsonValue>();
  if (resp.fields.length > 0) {
    root.set(
      'fields',
      resp.fields.map((f) => {
        const o = new Map<string, JsonValue>();
        if (f.label !== '') o.set('label', f.label);
        if (f.type !== '') o.set('type', f.type);
        if (f.cardinality !== 0) o.set('cardinality', new JsonNumber(String(f.cardinality)));
        if (f.parsers.length > 0) o.set('parsers', f.parsers);
        return o;
      }),
    );
  }
  if (resp.values.length > 0) root.set('values', resp.values);
  return marshal(root);
}

export function detectedFieldsText(resp: DetectedFieldsResponse, colors: Colorizer): string {
  const lines =
    resp.fields.length > 0
      ? resp.fields.map(
          (f) =>
            `label: ${colors.bold(f.label)}\t\ttype: ${colors.bold(f.type)}\t\tcardinality: ${colors.bold(String(f.cardinality))}`,
        )
      : [...resp.values];
  return `${lines.sort(compareBytes).join('\n')}\n`;
}

export async function runDetectedFields(ctx: RunContext, req: DetectedFieldsRequest, mode: OutputMode): Promise<void> {
  let resp: DetectedFieldsResponse;
  try {
    resp = await ctx.client.detectedFields(req);
  } catch (err) {
    throw new FatalError(`Error doing request: ${(err as Error).message}`);
  }
  const text = mode === 'raw' ? `${detectedFieldsJson(resp)}\n` : detectedFieldsText(resp, ctx.colors);
  await writeText(ctx.stdout, text);
}
