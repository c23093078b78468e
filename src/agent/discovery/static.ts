// `static_configs`: fixed groups. Promtail gives a group without targets
// one target on localhost, so that `static_configs: [{labels: {...}}]` with
// a `__path__` label works.
import type { StaticConfig } from '../config/types.js';
import { ADDRESS_LABEL, type Discoverer, type TargetGroup } from './target-group.js';

export function staticGroups(configs: readonly StaticConfig[]): TargetGroup[] {
  return configs.map((c, i) => ({
    source: String(i),
    labels: { ...c.labels },
    targets:
      c.targets.length === 0 ? [{ [ADDRESS_LABEL]: 'localhost' }] : c.targets.map((t) => ({ [ADDRESS_LABEL]: t })),
  }));
}

export class StaticDiscoverer implements Discoverer {
  constructor(private readonly configs: readonly StaticConfig[]) {}

  start(onGroups: (groups: TargetGroup[]) => void): void {
    onGroups(staticGroups(this.configs));
  }

  stop(): void {}
}
