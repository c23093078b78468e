// Watches directories for new files (inotify through fs.watch), shared by
// all targets: a file created in a watched directory is picked up at once
// instead of at the next sync period. Failures (missing directory, watch
// limits) only cost that speed-up; the periodic sync still finds the file.
import { type FSWatcher, watch } from 'node:fs';
import type { Logger } from '../../../util/log.js';

type Listener = (dir: string, name: string) => void;

export class DirWatcher {
  private readonly watchers = new Map<string, { watcher: FSWatcher; listeners: Set<Listener> }>();

  constructor(private readonly logger: Logger) {}

  add(dir: string, listener: Listener): void {
    let w = this.watchers.get(dir);
    if (w === undefined) {
      let watcher: FSWatcher;
      try {
        watcher = watch(dir, { persistent: false }, (_event, name) => {
          const entry = this.watchers.get(dir);
          if (!entry) return;
          for (const l of entry.listeners) l(dir, name === null ? '' : String(name));
        });
      } catch (err) {
        this.logger.debug('error adding directory to watcher', { directory: dir, error: (err as Error).message });
        return;
      }
      watcher.on('error', () => this.close(dir));
      w = { watcher, listeners: new Set() };
      this.watchers.set(dir, w);
      this.logger.info('watching new directory', { directory: dir });
    }
    w.listeners.add(listener);
  }

  remove(dir: string, listener: Listener): void {
    const w = this.watchers.get(dir);
    if (!w) return;
    w.listeners.delete(listener);
    if (w.listeners.size === 0) {
      this.logger.info('removing directory from watcher', { directory: dir });
      this.close(dir);
    }
  }

  private close(dir: string): void {
    const w = this.watchers.get(dir);
    if (!w) return;
    this.watchers.delete(dir);
    try {
      w.watcher.close();
    } catch {
      // Already gone.
    }
  }

  closeAll(): void {
    for (const dir of [...this.watchers.keys()]) this.close(dir);
  }
}
