// The `source` option shared by the parsing stages: read the line, or a
// value extracted earlier (converted to a string the way Promtail does).
import type { LogEntry } from '../entry.js';
import { StageConfigError, type StageOptions } from '../stage-options.js';
import { tryString } from '../values.js';

/** Reads the optional `source`; an explicitly empty source is an error (Promtail's "empty source"). */
export function readSource(opts: StageOptions, emptyMessage = 'empty source'): string | undefined {
  const source = opts.string('source');
  if (source === '') throw new StageConfigError(emptyMessage);
  return source;
}

/**
 * The text a stage works on: the line when `source` is unset, else the
 * extracted value (undefined when missing or not convertible).
 */
export function sourceText(entry: LogEntry, source: string | undefined): string | undefined {
  if (source === undefined) return entry.lineText;
  const extracted = entry.extracted();
  if (!extracted.has(source)) return undefined;
  return tryString(extracted.get(source));
}
