// `labeldrop` removes the listed labels; `labelallow` keeps only them.
import type { ConfigNode } from '../../config/config-node.js';
import type { LogEntry } from '../entry.js';
import { ProcessorStage } from '../stage.js';
import { StageConfigError } from '../stage-options.js';

export function readLabelList(node: ConfigNode, stage: 'labeldrop' | 'labelallow'): string[] {
  const names =
    node.kind === 'seq'
      ? node.items().map((i) => {
          if (i.kind !== 'scalar') throw new StageConfigError(`line ${i.line}: ${stage} expects a list of label names`);
          return i.text();
        })
      : node.kind === 'scalar'
        ? [node.text()]
        : [];
  if (names.length === 0) throw new StageConfigError(`${stage} stage config cannot be empty`);
  return names;
}

export class LabelDropStage extends ProcessorStage {
  readonly name = 'labeldrop';

  constructor(private readonly names: readonly string[]) {
    super();
  }

  protected apply(entry: LogEntry): void {
    for (const n of this.names) entry.labels = entry.labels.without(n);
  }
}

export class LabelAllowStage extends ProcessorStage {
  readonly name = 'labelallow';
  private readonly allowed: ReadonlySet<string>;

  constructor(names: readonly string[]) {
    super();
    this.allowed = new Set(names);
  }

  protected apply(entry: LogEntry): void {
    entry.labels = entry.labels.filter((name) => this.allowed.has(name));
  }
}
