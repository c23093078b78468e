// One file target: a `__path__` glob (minus `__path_exclude__`) with its
// labels. Every sync period, and as soon as a file appears in a watched
// directory, the glob is expanded: new files get a tailer, files that no
// longer match are read to their end, stop being tailed and lose their saved
// position (as in Promtail).
//
// A path that vanished is only given up after a grace period: during a
// rename + create rotation the path is missing until the application opens
// its new file, and it keeps writing to the renamed one until then. The
// tailer reads on through its open handle meanwhile and switches files
// itself when the path reappears; stopping it at once would lose those lines.
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Logger } from '../../../util/log.js';
import type { FlowControl } from '../../flow-control.js';
import { LabelSet } from '../../labels/label-set.js';
import type { AgentMetrics } from '../../metrics.js';
import type { LineHandler, LogEntry } from '../../pipeline/entry.js';
import type { DirWatcher } from './dir-watcher.js';
import { expandGlob, globMatch } from './glob.js';
import type { Positions } from './positions.js';
import { rotatedGraceMs, Tailer } from './tailer.js';

export const FILENAME_LABEL = 'filename';

export interface FileTargetOptions {
  readonly path: string;
  readonly pathExclude: string;
  /** The target's labels (without `__` labels). */
  readonly labels: LabelSet;
  readonly discoveredLabels: Readonly<Record<string, string>>;
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

async function matchesOf(pattern: string): Promise<string[]> {
  if (pattern === '') return [];
  try {
    const st = await stat(pattern);
    if (!st.isDirectory()) return [pattern];
  } catch {
    // Not a plain existing file: a glob.
  }
  return expandGlob(pattern);
}

export class FileTarget {
  private readonly tailers = new Map<string, Tailer>();
  private readonly starting = new Set<string>();
  /** Tailed paths that no longer match, and since when. */
  private readonly missingSince = new Map<string, number>();
  private graceTimer: NodeJS.Timeout | undefined;
  private watched = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private syncQueued = false;
  private stopped = false;
  private readonly onDirEvent = (dir: string, name: string) => {
    if (name !== '' && !globMatch(this.o.path, resolve(dir, name))) return;
    this.requestSync();
  };

  constructor(private readonly o: FileTargetOptions) {}

  get path(): string {
    return this.o.path;
  }

  get labels(): LabelSet {
    return this.o.labels;
  }

  get discoveredLabels(): Readonly<Record<string, string>> {
    return this.o.discoveredLabels;
  }

  /** Ready once at least one file is being tailed (Promtail's readiness rule). */
  get ready(): boolean {
    return this.tailers.size > 0;
  }

  /** Saved positions of the files being tailed. */
  details(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const path of this.tailers.keys()) out[path] = this.o.positions.get(path);
    return out;
  }

  start(): void {
    this.requestSync();
    this.timer = setInterval(() => this.requestSync(), this.o.syncPeriodMs);
  }

  /** Syncs soon; requests made while a sync runs fold into one more sync. */
  requestSync(): Promise<void> {
    if (this.stopped) return this.syncing;
    if (this.syncQueued) return this.syncing;
    this.syncQueued = true;
    this.syncing = this.syncing.then(async () => {
      this.syncQueued = false;
      if (this.stopped) return;
      try {
        await this.sync();
      } catch (err) {
        this.o.logger.error('error running sync function', { error: (err as Error).message });
      }
    });
    return this.syncing;
  }

  private async sync(): Promise<void> {
    const excluded = new Set(await matchesOf(this.o.pathExclude));
    const matches = (await matchesOf(this.o.path))
      .filter((p) => !excluded.has(p))
      .map((p) => (isAbsolute(p) ? p : resolve(p)));
    if (matches.length === 0) {
      this.o.logger.debug('no files matched requested path, nothing will be tailed', {
        path: this.o.path,
        pathExclude: this.o.pathExclude,
      });
    }
    const dirs = new Set(matches.map((p) => dirname(p)));
    for (const d of dirs) if (!this.watched.has(d)) this.o.dirWatcher.add(d, this.onDirEvent);
    for (const d of this.watched) if (!dirs.has(d)) this.o.dirWatcher.remove(d, this.onDirEvent);
    this.watched = dirs;

    for (const [path, t] of this.tailers) if (!t.running) this.tailers.delete(path);
    for (const p of matches) {
      if (this.tailers.has(p) || this.starting.has(p)) {
        continue;
      }
      await this.startTailing(p);
    }
    const current = new Set(matches);
    const now = Date.now();
    const grace = rotatedGraceMs(this.o.pollMaxMs);
    for (const path of [...this.missingSince.keys()]) {
      if (current.has(path) || !this.tailers.has(path)) this.missingSince.delete(path);
    }
    for (const [path, tailer] of [...this.tailers]) {
      if (current.has(path)) continue;
      const since = this.missingSince.get(path);
      if (since === undefined) {
        this.missingSince.set(path, now);
        this.syncAfter(grace);
        continue;
      }
      if (now - since < grace) {
        this.syncAfter(since + grace - now);
        continue;
      }
      this.missingSince.delete(path);
      this.tailers.delete(path);
      await tailer.stop(true);
      this.o.positions.remove(path);
    }
  }

  /** One more sync once a vanished path's grace period is over (the sync period may be much longer). */
  private syncAfter(ms: number): void {
    if (this.graceTimer !== undefined || this.stopped) return;
    this.graceTimer = setTimeout(() => {
      this.graceTimer = undefined;
      void this.requestSync();
    }, ms + 1);
  }

  private async startTailing(p: string): Promise<void> {
    let isDir: boolean;
    try {
      isDir = (await stat(p)).isDirectory();
    } catch (err) {
      this.o.logger.error('failed to tail file, stat failed', { error: (err as Error).message, filename: p });
      return;
    }
    if (isDir) return;
    if (this.o.pathExclude !== '' && globMatch(this.o.pathExclude, p)) {
      this.o.logger.info('ignoring file', { error: 'file matches exclude pattern', filename: p });
      return;
    }
    this.starting.add(p);
    try {
      const tailer = await Tailer.start({
        path: p,
        labels: this.o.labels.merge(LabelSet.fromRecord({ [FILENAME_LABEL]: p })),
        handle: this.o.handle,
        positions: this.o.positions,
        metrics: this.o.metrics,
        flow: this.o.flow,
        logger: this.o.logger.child({ component: 'tailer' }),
        pollMinMs: this.o.pollMinMs,
        pollMaxMs: this.o.pollMaxMs,
        maxLineBytes: this.o.maxLineBytes,
        encoding: this.o.encoding,
        linesCopied: this.o.linesCopied,
        handleLine: this.o.handleLine,
      });
      if (this.stopped) await tailer.stop();
      else this.tailers.set(p, tailer);
    } catch (err) {
      this.o.logger.error('failed to start tailer', { error: (err as Error).message, filename: p });
    } finally {
      this.starting.delete(p);
    }
  }

  /**
   * Stops tailing. `targetRemoved`: the target itself went away (its pod was
   * deleted), so its files are read to the end first.
   */
  async stop(targetRemoved = false): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.graceTimer) clearTimeout(this.graceTimer);
    await this.syncing;
    for (const d of this.watched) this.o.dirWatcher.remove(d, this.onDirEvent);
    this.watched.clear();
    const tailers = [...this.tailers.values()];
    this.tailers.clear();
    await Promise.all(tailers.map((t) => t.stop(targetRemoved)));
    this.o.logger.info('filetarget: watcher closed, tailer stopped, positions saved', { path: this.o.path });
  }
}
