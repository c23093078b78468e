// `labels [label]`: label names, or the values of one label, one per line.
import { FatalError, writeText } from '../io.js';
import type { RunContext } from '../query/context.js';

export interface LabelsSpec {
  labelName: string;
  startNs: bigint;
  endNs: bigint;
  quiet: boolean;
}

export async function runLabels(ctx: RunContext, spec: LabelsSpec): Promise<void> {
  let values: string[];
  try {
    values =
      spec.labelName !== ''
        ? await ctx.client.labelValues(spec.labelName, spec.quiet, spec.startNs, spec.endNs)
        : await ctx.client.labelNames(spec.quiet, spec.startNs, spec.endNs);
  } catch (err) {
    throw new FatalError(`Error doing request: ${(err as Error).message}`);
  }
  await writeText(ctx.stdout, values.map((v) => `${v}\n`).join(''));
}
