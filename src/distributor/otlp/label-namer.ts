// OTLP attribute names to Prometheus label names, the way Loki does it (the
// Prometheus otlptranslator LabelNamer with its defaults): every run of
// characters outside [a-zA-Z0-9] becomes one `_` (underscores included, so
// `a__b` becomes `a_b`), a `__name__`-style reserved name keeps its double
// underscores, and a name starting with a digit gets a `key_` prefix.
import { goQuote } from '../../util/labels.js';

export class LabelNameError extends Error {
  override name = 'LabelNameError';
}

const CACHE_LIMIT = 4096;
let cache = new Map<string, string>();

function isAlphanumeric(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39);
}

/** Replaces each run of characters outside [a-zA-Z0-9] by a single underscore. */
function sanitize(name: string): string {
  let out = '';
  let previousWasUnderscore = false;
  for (const ch of name) {
    if (isAlphanumeric(ch.charCodeAt(0))) {
      out += ch;
      previousWasUnderscore = false;
    } else if (!previousWasUnderscore) {
      out += '_';
      previousWasUnderscore = true;
    }
  }
  return out;
}

function build(attribute: string): string {
  if (attribute.length === 0) throw new LabelNameError('label name is empty');
  const reserved = attribute.length >= 4 && attribute.startsWith('__') && attribute.endsWith('__');
  let name = reserved ? `__${sanitize(attribute.slice(2, -2))}__` : sanitize(attribute);
  const first = name.charCodeAt(0);
  if (first >= 0x30 && first <= 0x39) name = `key_${name}`;
  if (/^_*$/.test(name)) {
    throw new LabelNameError(
      `normalization for label name ${goQuote(attribute)} resulted in invalid name ${goQuote(name)}`,
    );
  }
  return name;
}

/**
 * The label name for an OTLP attribute key, e.g. `service.name` -> `service_name`.
 * Throws LabelNameError (with Loki's wording) for names that normalise to nothing.
 */
export function labelNameFor(attribute: string): string {
  const hit = cache.get(attribute);
  if (hit !== undefined) return hit;
  const name = build(attribute);
  // Attribute keys repeat across records; a bounded cache keeps hostile input from growing it.
  if (cache.size >= CACHE_LIMIT) cache = new Map();
  cache.set(attribute, name);
  return name;
}
