// The file targets of one scrape config (Promtail's targetSyncer): each
// discovered target is relabelled; it is dropped when a rule drops it, when
// its `__host__` names another host, or when it has no `__path__`.
// Labels starting with `__` are then removed and what remains, with the path
// (and exclusion), identifies the target.
import type { Logger } from '../../../util/log.js';
import type { TargetGroup } from '../../discovery/target-group.js';
import type { FlowControl } from '../../flow-control.js';
import { LabelSet } from '../../labels/label-set.js';
import type { AgentMetrics } from '../../metrics.js';
import type { LineHandler, LogEntry } from '../../pipeline/entry.js';
import { type RelabelRule, relabel } from '../../relabel/relabel.js';
import type { DirWatcher } from './dir-watcher.js';
import { FileTarget } from './file-target.js';
import type { Positions } from './positions.js';

export const PATH_LABEL = '__path__';
export const PATH_EXCLUDE_LABEL = '__path_exclude__';
export const HOST_LABEL = '__host__';

export interface DroppedTarget {
  readonly reason: string;
  readonly discoveredLabels: Readonly<Record<string, string>>;
}

export interface FileJobOptions {
  readonly jobName: string;
  readonly relabel: readonly RelabelRule[];
  readonly hostname: string;
  readonly handle: (entry: LogEntry) => void;
  readonly positions: Positions;
  readonly metrics: AgentMetrics;
  readonly flow: FlowControl;
  readonly logger: Logger;
  readonly dirWatcher: DirWatcher;
  readonly syncPeriodMs: number;
  readonly pollMinMs: number;
  readonly pollMaxMs: number;
  readonly maxLineBytes: number;
  readonly encoding?: string;
  /** `handle` copies what it keeps of a line before returning (read buffers are then reused). */
  readonly linesCopied?: boolean;
  /** Takes lines without entry objects (no pipeline stages run). */
  readonly handleLine?: LineHandler;
}

export class FileJob {
  private readonly targets = new Map<string, FileTarget>();
  private dropped: DroppedTarget[] = [];
  private syncing: Promise<void> = Promise.resolve();

  constructor(private readonly o: FileJobOptions) {}

  /** Applies the complete current set of discovered groups (syncs are serialised). */
  sync(groups: readonly TargetGroup[]): Promise<void> {
    this.syncing = this.syncing.then(() => this.apply(groups));
    return this.syncing;
  }

  private drop(reason: string, metricReason: string, discovered: Record<string, string>): void {
    this.dropped.push({ reason, discoveredLabels: discovered });
    this.o.metrics.targetsFailed.inc({ reason: metricReason });
  }

  private async apply(groups: readonly TargetGroup[]): Promise<void> {
    const seen = new Set<string>();
    this.dropped = [];
    for (const group of groups) {
      for (const t of group.targets) {
        const discovered: Record<string, string> = { ...group.labels, ...t };
        const labels = new Map(Object.entries(discovered));
        if (!relabel(this.o.relabel, labels)) {
          this.drop('dropped target', 'dropped', discovered);
          continue;
        }
        const host = labels.get(HOST_LABEL);
        if (host !== undefined && host !== this.o.hostname) {
          this.drop(`ignoring target, wrong host (hostname:${this.o.hostname})`, 'wrong_host', discovered);
          continue;
        }
        const path = labels.get(PATH_LABEL);
        if (path === undefined) {
          this.o.logger.info('no path for target', { labels: LabelSet.fromMap(labels).toString() });
          this.drop('no path for target', 'no_path', discovered);
          continue;
        }
        const exclude = labels.get(PATH_EXCLUDE_LABEL) ?? '';
        const visible = LabelSet.fromEntries([...labels].filter(([name]) => !name.startsWith('__')));
        let key = `${path}:${visible.toString()}`;
        if (exclude !== '') key += `:${exclude}`;
        if (seen.has(key) || this.targets.has(key)) {
          seen.add(key);
          continue;
        }
        seen.add(key);
        this.o.logger.info('Adding target', { key });
        const target = new FileTarget({
          path,
          pathExclude: exclude,
          labels: visible,
          discoveredLabels: discovered,
          handle: this.o.handle,
          positions: this.o.positions,
          metrics: this.o.metrics,
          flow: this.o.flow,
          logger: this.o.logger,
          dirWatcher: this.o.dirWatcher,
          syncPeriodMs: this.o.syncPeriodMs,
          pollMinMs: this.o.pollMinMs,
          pollMaxMs: this.o.pollMaxMs,
          maxLineBytes: this.o.maxLineBytes,
          encoding: this.o.encoding,
          linesCopied: this.o.linesCopied,
          handleLine: this.o.handleLine,
        });
        this.targets.set(key, target);
        this.o.metrics.targetsActive.inc();
        target.start();
      }
    }
    const removals: Array<Promise<void>> = [];
    for (const [key, target] of this.targets) {
      if (seen.has(key)) continue;
      this.o.logger.info('Removing target', { key });
      this.targets.delete(key);
      // Active until its files were read to their end: lines written after that are not shipped.
      removals.push(target.stop(true).finally(() => this.o.metrics.targetsActive.dec()));
    }
    await Promise.all(removals);
  }

  get ready(): boolean {
    for (const t of this.targets.values()) if (t.ready) return true;
    return false;
  }

  activeTargets(): FileTarget[] {
    return [...this.targets.values()];
  }

  droppedTargets(): readonly DroppedTarget[] {
    return this.dropped;
  }

  async stop(): Promise<void> {
    await this.syncing;
    const targets = [...this.targets.values()];
    this.targets.clear();
    this.o.metrics.targetsActive.dec(targets.length);
    await Promise.all(targets.map((t) => t.stop()));
  }
}
