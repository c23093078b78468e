// `file_sd_configs`: target groups read from JSON or YAML files
// (`[{"targets": [...], "labels": {...}}]`), re-read when they change and
// every `refresh_interval`. Each group gets `__meta_filepath`; a file that
// disappears or shrinks removes its groups.
import { watch as watchPath } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { parse } from 'yaml';
import type { Logger } from '../../util/log.js';
import type { FileSdConfig } from '../config/types.js';
import { expandGlob } from '../targets/file/glob.js';
import { ADDRESS_LABEL, type Discoverer, type LabelRecord, type TargetGroup } from './target-group.js';

export class FileSdError extends Error {
  override name = 'FileSdError';
}

function isRecordOfStrings(v: unknown): v is Record<string, string> {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string')
  );
}

/** Parses one file's groups; throws FileSdError on a malformed file. */
export function parseFileSd(path: string, text: string): TargetGroup[] {
  const ext = extname(path).toLowerCase();
  let doc: unknown;
  try {
    // Every scalar as text (`y` is a label value, not a YAML 1.1 boolean), as a string-typed decoder reads it.
    doc = ext === '.json' ? JSON.parse(text) : parse(text, { schema: 'failsafe' });
  } catch (err) {
    throw new FileSdError(`error parsing ${path}: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return [];
  if (!Array.isArray(doc)) throw new FileSdError(`error parsing ${path}: expected a list of target groups`);
  return doc.map((g, i): TargetGroup => {
    if (typeof g !== 'object' || g === null)
      throw new FileSdError(`error parsing ${path}: group ${i} is not a mapping`);
    const { targets = [], labels = {} } = g as { targets?: unknown; labels?: unknown };
    if (!Array.isArray(targets) || !targets.every((t) => typeof t === 'string')) {
      throw new FileSdError(`error parsing ${path}: targets of group ${i} must be a list of strings`);
    }
    if (labels !== null && !isRecordOfStrings(labels)) {
      throw new FileSdError(`error parsing ${path}: labels of group ${i} must map names to strings`);
    }
    return {
      source: `${path}:${i}`,
      labels: { ...(labels ?? {}), __meta_filepath: path },
      targets: (targets as string[]).map((t): LabelRecord => ({ [ADDRESS_LABEL]: t })),
    };
  });
}

const FILE_PATTERNS = /\.(json|ya?ml)$/i;

export class FileSdDiscoverer implements Discoverer {
  private timer: NodeJS.Timeout | undefined;
  private watchers: Array<ReturnType<typeof watchPath>> = [];
  /** Groups last reported per file, to report removals. */
  private lastGroups = new Map<string, number>();
  private stopped = false;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: FileSdConfig,
    private readonly logger: Logger,
  ) {
    for (const f of config.files) {
      if (!FILE_PATTERNS.test(f))
        throw new FileSdError(`path name ${JSON.stringify(f)} is not valid for file discovery`);
    }
  }

  start(onGroups: (groups: TargetGroup[]) => void): void {
    const refresh = () => {
      this.refreshing = this.refreshing.then(() => this.refresh(onGroups));
    };
    refresh();
    this.timer = setInterval(refresh, Math.max(this.config.refresh_interval, 1000));
    this.timer.unref();
    for (const dir of new Set(this.config.files.map((f) => dirname(f)))) {
      try {
        const w = watchPath(dir, () => refresh());
        w.on('error', () => {});
        this.watchers.push(w);
      } catch (err) {
        this.logger.warn('cannot watch directory for file discovery; relying on refresh_interval', {
          dir,
          error: (err as Error).message,
        });
      }
    }
  }

  private async refresh(onGroups: (groups: TargetGroup[]) => void): Promise<void> {
    if (this.stopped) return;
    const files = new Set<string>();
    for (const pattern of this.config.files) for (const f of await expandGlob(pattern)) files.add(f);
    const out: TargetGroup[] = [];
    const seen = new Map<string, number>();
    for (const file of files) {
      let groups: TargetGroup[];
      try {
        groups = parseFileSd(file, await readFile(file, 'utf8'));
      } catch (err) {
        this.logger.error('Error reading file', { path: file, err: (err as Error).message });
        // Keep what the file reported before, as Prometheus does on a read error.
        const before = this.lastGroups.get(file);
        if (before !== undefined) seen.set(file, before);
        continue;
      }
      seen.set(file, groups.length);
      out.push(...groups);
    }
    // Groups that vanished (file removed or shorter) are reported empty.
    for (const [file, count] of this.lastGroups) {
      const now = seen.get(file) ?? 0;
      for (let i = now; i < count; i++) out.push({ source: `${file}:${i}`, labels: {}, targets: [] });
    }
    this.lastGroups = seen;
    if (!this.stopped) onGroups(out);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const w of this.watchers) w.close();
    await this.refreshing;
  }
}
