// S3 listing semantics shared by the stores that compute listings themselves
// (filesystem, in-memory): key order and grouping by delimiter.
import type { ListResult, ObjectAttributes } from './client.js';

/**
 * Orders keys the way S3 does: by the bytes of their UTF-8 encoding.
 *
 * JavaScript compares strings by UTF-16 code units, which agrees with UTF-8
 * byte order except when a supplementary character (a surrogate pair,
 * 0xD800-0xDFFF) meets a character in 0xE000-0xFFFF. Only at the first
 * differing unit do we need to care, and only in that case we shift the units
 * so that surrogates sort above the rest of the BMP.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca >= 0xd800 && cb >= 0xd800) {
      ca = ca >= 0xe000 ? ca - 0x800 : ca + 0x2000;
      cb = cb >= 0xe000 ? cb - 0x800 : cb + 0x2000;
    }
    return ca - cb;
  }
  return a.length - b.length;
}

export function compareObjects(a: ObjectAttributes, b: ObjectAttributes): number {
  return compareKeys(a.key, b.key);
}

/**
 * Turns every object below `prefix` into an S3 listing: with a delimiter, keys
 * that contain it after the prefix collapse into one common prefix each (up to
 * and including the delimiter); the rest are listed as objects. `objects` must
 * all start with `prefix`; the result is sorted.
 */
export function groupByDelimiter(
  objects: ObjectAttributes[],
  prefix: string,
  delimiter: string | undefined,
): ListResult {
  if (!delimiter) {
    return { objects: objects.slice().sort(compareObjects), commonPrefixes: [] };
  }
  const direct: ObjectAttributes[] = [];
  const prefixes = new Set<string>();
  for (const object of objects) {
    const at = object.key.indexOf(delimiter, prefix.length);
    if (at < 0) direct.push(object);
    else prefixes.add(object.key.slice(0, at + delimiter.length));
  }
  return { objects: direct.sort(compareObjects), commonPrefixes: [...prefixes].sort(compareKeys) };
}
