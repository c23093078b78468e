// `pack`: wraps the line in a JSON object together with chosen extracted
// values (usually labels, which are then removed from the stream), so that
// high-cardinality data travels in the line: {"pod":"x","_entry":"line"}.
// LogQL's `unpack` parser reverses it.

import { compareBytes, goJsonString } from '../../../util/go-json.js';
import { wallClock } from '../clock.js';
import type { LogEntry } from '../entry.js';
import { ProcessorStage } from '../stage.js';
import type { StageOptions } from '../stage-options.js';
import { tryString } from '../values.js';

export const PACKED_ENTRY_KEY = '_entry';

export class PackStage extends ProcessorStage {
  readonly name = 'pack';

  constructor(
    private readonly labels: readonly string[],
    private readonly ingestTimestamp: boolean,
  ) {
    super();
  }

  static fromOptions(opts: StageOptions): PackStage {
    const labels = opts.strings('labels', true) ?? [];
    const ingestTimestamp = opts.bool('ingest_timestamp') ?? true;
    opts.finish();
    return new PackStage(labels, ingestTimestamp);
  }

  protected apply(entry: LogEntry): void {
    const extracted = entry.extracted();
    const packed = new Map<string, string>();
    for (const name of this.labels) {
      if (!extracted.has(name)) continue;
      const value = tryString(extracted.get(name));
      if (value !== undefined) packed.set(name, value);
    }
    const keys = [...packed.keys()].sort(compareBytes);
    let json = '{';
    for (const k of keys) json += `${goJsonString(k)}:${goJsonString(packed.get(k)!)},`;
    json += `"${PACKED_ENTRY_KEY}":${goJsonString(entry.lineText)}}`;
    for (const k of keys) entry.labels = entry.labels.without(k);
    entry.lineText = json;
    if (this.ingestTimestamp) entry.setTimestamp(wallClock());
  }
}
