// Loki's response encoding flags: `X-Loki-Response-Encoding-Flags` holds a
// comma-separated list of flags that change how query answers are written.
// The one Loki acts on is `categorize-labels` (stream labels apart from
// structured metadata and parsed labels); every flag sent is echoed back in
// `encodingFlags`, as Loki does.
import type { IncomingHttpHeaders } from 'node:http';

export const ENCODING_FLAGS_HEADER = 'X-Loki-Response-Encoding-Flags';
export const CATEGORIZE_LABELS = 'categorize-labels';

/** The distinct flags of the header, in the order sent; empty when there is no header or it is empty. */
export function parseEncodingFlags(headers: IncomingHttpHeaders): string[] {
  const raw = headers[ENCODING_FLAGS_HEADER.toLowerCase()];
  // Go's Header.Get reads the first value only.
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (!text) return [];
  // Loki splits on commas and compares flags exactly (no trimming).
  return [...new Set(text.split(','))];
}

export function categorizeLabelsRequested(flags: readonly string[]): boolean {
  return flags.includes(CATEGORIZE_LABELS);
}

/** The `"encodingFlags":[...]` member, with its trailing comma, or '' when no flag was sent. */
export function encodingFlagsMember(flags: readonly string[]): string {
  return flags.length > 0 ? `"encodingFlags":${JSON.stringify(flags)},` : '';
}
