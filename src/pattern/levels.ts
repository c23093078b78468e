// The levels patterns are grouped by. Loki trains one Drain per stream and
// `detected_level` (the structured-metadata value the distributor attaches),
// lower-cased; a missing or unrecognised level counts as `unknown`.

export const LOG_LEVELS = ['unknown', 'debug', 'info', 'warn', 'error', 'fatal', 'critical', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const known = new Set<string>(LOG_LEVELS);

/** The level a line's patterns are kept under, from its `detected_level` value. */
export function patternLevel(detectedLevel: string | undefined): LogLevel {
  if (detectedLevel === undefined || detectedLevel === '') return 'unknown';
  if (known.has(detectedLevel)) return detectedLevel as LogLevel;
  const lower = detectedLevel.toLowerCase();
  return known.has(lower) ? (lower as LogLevel) : 'unknown';
}
