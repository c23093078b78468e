// `labels` and `structured_metadata`: turn extracted values into stream
// labels or into structured metadata. Each option maps a label name to the
// extracted value it takes (empty: the value of the same name).

import type { ConfigNode } from '../../config/config-node.js';
import { isLegacyLabelName, isValidLabelValue } from '../../labels/label-set.js';
import type { LogEntry } from '../entry.js';
import { ProcessorStage } from '../stage.js';
import { StageConfigError, StageOptions } from '../stage-options.js';
import { tryString } from '../values.js';

/** label name -> extracted source */
export type LabelSources = ReadonlyArray<readonly [name: string, source: string]>;

export function readLabelSources(node: ConfigNode, stage: string): LabelSources {
  if (node.kind === 'null')
    throw new StageConfigError(`${stage === 'labels' ? 'label' : stage} stage config cannot be empty`);
  const map = StageOptions.stringMapOf(node, stage, stage);
  const out: Array<[string, string]> = [];
  for (const [name, source] of map) {
    if (!isLegacyLabelName(name)) throw new StageConfigError(`invalid label name: ${name}`);
    out.push([name, source || name]);
  }
  return out;
}

/** Calls `set` for each configured label whose source was extracted and converts to a valid value. */
function forEachLabel(
  entry: LogEntry,
  sources: LabelSources,
  set: (name: string, value: string, source: string) => void,
) {
  const extracted = entry.extracted();
  for (const [name, source] of sources) {
    if (!extracted.has(source)) continue;
    const value = tryString(extracted.get(source));
    if (value === undefined || !isValidLabelValue(value)) continue;
    set(name, value, source);
  }
}

export class LabelsStage extends ProcessorStage {
  readonly name = 'labels';

  constructor(private readonly sources: LabelSources) {
    super();
  }

  protected apply(entry: LogEntry): void {
    forEachLabel(entry, this.sources, (name, value) => {
      entry.labels = entry.labels.with(name, value);
    });
  }
}

export class StructuredMetadataStage extends ProcessorStage {
  readonly name = 'structured_metadata';

  constructor(private readonly sources: LabelSources) {
    super();
  }

  protected apply(entry: LogEntry): void {
    // source -> value of everything moved into metadata, so matching stream labels can be removed.
    const moved = new Map<string, string>();
    forEachLabel(entry, this.sources, (name, value, source) => {
      entry.addStructuredMetadata(name, value);
      moved.set(source, value);
    });
    // A source that names a stream label (and was not extracted) moves that label.
    for (const [name, source] of this.sources) {
      if (moved.has(source)) continue;
      const value = entry.labels.get(source);
      if (value !== undefined) {
        entry.addStructuredMetadata(name, value);
        moved.set(source, value);
      }
    }
    for (const [source, value] of moved) {
      if (entry.labels.get(source) === value) entry.labels = entry.labels.without(source);
    }
  }
}
