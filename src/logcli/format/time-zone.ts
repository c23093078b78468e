// Time zones as logcli sees them: `--timezone` is `Local` or `UTC`, and Local
// follows the TZ environment variable the way Go's time package reads it
// (unset: the system zone; empty: UTC; `Area/City` or `:Area/City`: that zone;
// unknown: UTC).

export interface TimeZone {
  /** Offset east of UTC, in seconds, in force at the instant `ms` (ms since the epoch). */
  offsetSeconds(ms: number): number;
  /** The zone's abbreviation at `ms` (`UTC`, `CET`, ...), as far as the runtime knows it. */
  abbreviation(ms: number): string;
}

export const UTC_ZONE: TimeZone = {
  offsetSeconds: () => 0,
  abbreviation: () => 'UTC',
};

// Offsets change only at transitions, which fall on quarter hours in every
// zone in use today, so one Intl lookup per quarter hour is enough.
const QUARTER_HOUR_MS = 15 * 60 * 1000;

/** A per-quarter-hour cache of a function of the instant. */
function quarterHourly<T>(compute: (ms: number) => T): (ms: number) => T {
  const cache = new Map<number, T>();
  return (ms) => {
    const bucket = Math.floor(ms / QUARTER_HOUR_MS);
    let v = cache.get(bucket);
    if (v === undefined) {
      v = compute(ms);
      if (cache.size > 4096) cache.clear();
      cache.set(bucket, v);
    }
    return v;
  };
}

/** The zone of this process, read through Date (fast: no Intl per call). */
const processZone: TimeZone = {
  offsetSeconds: (ms) => -Math.round(new Date(ms).getTimezoneOffset() * 60),
  abbreviation: quarterHourly((ms) => shortName(undefined, ms)),
};

// Go prints the tz database's abbreviation (CET, IST, AEDT, or +03 where the
// database has none). Intl only knows a region's own abbreviations per locale,
// so a few English locales are asked in turn before falling back to the
// numeric form.
const ABBREVIATION_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU'];

function shortName(timeZone: string | undefined, ms: number): string {
  let name = 'UTC';
  for (const locale of ABBREVIATION_LOCALES) {
    const parts = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' }).formatToParts(ms);
    name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
    if (!/^(GMT|UTC)[+-]/.test(name)) return name;
  }
  const m = /^(?:GMT|UTC)([+-])(\d{1,2})(?::(\d{2}))?$/.exec(name);
  if (!m) return name;
  return `${m[1]}${m[2].padStart(2, '0')}${m[3] && m[3] !== '00' ? m[3] : ''}`;
}

function namedZone(timeZone: string): TimeZone {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const offsetAt = (ms: number): number => {
    const fields: Record<string, number> = {};
    for (const p of fmt.formatToParts(ms)) if (p.type !== 'literal') fields[p.type] = Number(p.value);
    const wall = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
    const whole = Math.floor(ms / 1000) * 1000;
    return Math.round((wall - whole) / 1000);
  };
  return {
    offsetSeconds: quarterHourly(offsetAt),
    abbreviation: quarterHourly((ms) => shortName(timeZone, ms)),
  };
}

/** Go's `time.Local` for a process started with `env`. */
export function localZone(env: NodeJS.ProcessEnv): TimeZone {
  const tz = env.TZ;
  if (tz === undefined) return processZone;
  const name = tz.startsWith(':') ? tz.slice(1) : tz;
  if (name === '' || name === 'UTC') return UTC_ZONE;
  try {
    return namedZone(name);
  } catch {
    return UTC_ZONE;
  }
}

/** The zone named by logcli's `--timezone` flag (`Local` or `UTC`). */
export function zoneByName(name: 'Local' | 'UTC', env: NodeJS.ProcessEnv): TimeZone {
  return name === 'UTC' ? UTC_ZONE : localZone(env);
}
