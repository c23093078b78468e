// Collects the target groups of one job's discovery mechanisms and hands
// the job the complete current set, at most once per `updateDelayMs` (the
// first set at once), as Prometheus' discovery manager does.
import type { Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from './target-group.js';

export class DiscoveryManager {
  private readonly groups = new Map<string, TargetGroup>();
  private timer: NodeJS.Timeout | undefined;
  private sentOnce = false;
  private stopped = false;

  constructor(
    private readonly discoverers: readonly Discoverer[],
    private readonly onUpdate: (groups: TargetGroup[]) => void,
    private readonly logger: Logger,
    private readonly updateDelayMs = 5000,
  ) {}

  start(): void {
    this.discoverers.forEach((d, i) => {
      d.start((groups) => this.receive(i, groups));
    });
  }

  private receive(provider: number, groups: readonly TargetGroup[]): void {
    if (this.stopped) return;
    for (const g of groups) {
      const key = `${provider}/${g.source}`;
      if (g.targets.length === 0) this.groups.delete(key);
      else this.groups.set(key, g);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const delay = this.sentOnce ? this.updateDelayMs : 0;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sentOnce = true;
      if (this.stopped) return;
      try {
        this.onUpdate([...this.groups.values()]);
      } catch (err) {
        this.logger.error('error applying discovered targets', { error: (err as Error).message });
      }
    }, delay);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await Promise.all(this.discoverers.map((d) => d.stop()));
  }
}
