// `timestamp`: sets the entry's time from an extracted value. On failure
// the default action `fudge` gives the entry the last good timestamp of its
// stream plus one nanosecond (keeping order in Loki), `skip` keeps the read
// time.
import type { LogEntry } from '../entry.js';
import { ProcessorStage } from '../stage.js';
import { StageConfigError, type StageOptions } from '../stage-options.js';
import {
  type FormatOptions,
  loadTimestampLocation,
  type TimestampParser,
  timestampParser,
} from '../timestamp-formats.js';
import { tryString } from '../values.js';

const MAX_REMEMBERED_STREAMS = 10_000;

/** A small least-recently-used map (Promtail keeps 10000 streams' last timestamps). */
class LastTimestamps {
  private readonly map = new Map<string, { sec: number; nanos: number }>();
  /** The most recently used stream: most lines repeat it, and it needs no reordering. */
  private lastKey: string | undefined;
  private lastValue: { sec: number; nanos: number } | undefined;

  get(key: string): { sec: number; nanos: number } | undefined {
    if (key === this.lastKey) return { sec: this.lastValue!.sec, nanos: this.lastValue!.nanos };
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
      this.lastKey = key;
      this.lastValue = v;
      return { sec: v.sec, nanos: v.nanos };
    }
    return undefined;
  }

  set(key: string, v: { sec: number; nanos: number }): void {
    if (key === this.lastKey) {
      this.lastValue!.sec = v.sec;
      this.lastValue!.nanos = v.nanos;
      return;
    }
    const copy = { sec: v.sec, nanos: v.nanos };
    this.map.delete(key);
    this.map.set(key, copy);
    this.lastKey = key;
    this.lastValue = copy;
    if (this.map.size > MAX_REMEMBERED_STREAMS) this.map.delete(this.map.keys().next().value!);
  }
}

export class TimestampStage extends ProcessorStage {
  readonly name = 'timestamp';
  private readonly last: LastTimestamps | undefined;

  constructor(
    private readonly source: string,
    private readonly parse: TimestampParser,
    fudge: boolean,
  ) {
    super();
    this.last = fudge ? new LastTimestamps() : undefined;
  }

  static fromOptions(opts: StageOptions, clock?: FormatOptions['now']): TimestampStage {
    const source = opts.string('source');
    const format = opts.string('format');
    const fallbacks = opts.strings('fallback_formats') ?? [];
    const location = opts.string('location');
    const action = opts.string('action_on_failure');
    opts.finish();
    if (!source) throw new StageConfigError('timestamp source value is required if timestamp is specified');
    if (!format) throw new StageConfigError('timestamp format is required');
    const formatOptions: FormatOptions = {
      location: location === undefined ? undefined : loadTimestampLocation(location),
      now: clock,
    };
    if (action !== undefined && action !== 'skip' && action !== 'fudge') {
      throw new StageConfigError('invalid action on failure (supported values are [skip fudge])');
    }
    const parsers = [format, ...fallbacks].map((f) => timestampParser(f, formatOptions));
    const parse: TimestampParser =
      parsers.length === 1
        ? parsers[0]!
        : (text) => {
            let firstError: unknown;
            for (const p of parsers) {
              try {
                return p(text);
              } catch (err) {
                firstError ??= err;
              }
            }
            throw firstError;
          };
    return new TimestampStage(source, parse, (action ?? 'fudge') === 'fudge');
  }

  protected apply(entry: LogEntry): void {
    const text = tryString(entry.extracted().get(this.source));
    let parsed: { sec: number; nanos: number } | undefined;
    if (text !== undefined) {
      try {
        parsed = this.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    this.settle(entry, parsed);
  }

  /**
   * Applies a parse result: a timestamp is taken (and remembered for its
   * stream); a failure (undefined) falls back to `action_on_failure`.
   */
  settle(entry: LogEntry, parsed: { sec: number; nanos: number } | undefined): void {
    if (parsed !== undefined) {
      entry.setTimestamp(parsed);
      this.last?.set(entry.labels.toString(), parsed);
      return;
    }
    if (!this.last) return;
    const key = entry.labels.toString();
    const previous = this.last.get(key);
    if (previous === undefined) return;
    const next =
      previous.nanos === 999_999_999
        ? { sec: previous.sec + 1, nanos: 0 }
        : { sec: previous.sec, nanos: previous.nanos + 1 };
    entry.setTimestamp(next);
    this.last.set(key, next);
  }
}
