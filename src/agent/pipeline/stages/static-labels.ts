// `static_labels`: adds fixed labels (a label with no value is ignored).
import type { ConfigNode } from '../../config/config-node.js';
import { isUtf8LabelName, isValidLabelValue } from '../../labels/label-set.js';
import type { LogEntry } from '../entry.js';
import { ProcessorStage } from '../stage.js';
import { StageConfigError, StageOptions } from '../stage-options.js';

export class StaticLabelsStage extends ProcessorStage {
  readonly name = 'static_labels';

  constructor(private readonly labels: ReadonlyArray<readonly [string, string]>) {
    super();
  }

  static fromNode(node: ConfigNode): StaticLabelsStage {
    if (node.kind === 'null') throw new StageConfigError('static_labels stage config cannot be empty');
    const labels: Array<[string, string]> = [];
    for (const [name, value] of StageOptions.stringMapOf(node, 'static_labels', 'static_labels')) {
      if (!isUtf8LabelName(name)) throw new StageConfigError(`invalid label name: ${name}`);
      if (value === null || value === '' || !isValidLabelValue(value)) continue;
      labels.push([name, value]);
    }
    return new StaticLabelsStage(labels);
  }

  protected apply(entry: LogEntry): void {
    for (const [name, value] of this.labels) entry.labels = entry.labels.with(name, value);
  }
}
