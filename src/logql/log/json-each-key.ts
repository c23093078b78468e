// Path lookups for `| json a="b.c[0]"`, with the behaviour of the reader Loki
// uses (jsonparser's EachKey): a single forward scan that tracks nesting,
// matches keys level by level, reads the value of each path the first time it
// is found, and stops once every path was found. It does not validate the
// document, so results on malformed input follow its scanning rules exactly.
import { JsonReader, MALFORMED_JSON, nextToken, TYPE_STRING, unescapeJSON } from './json-scan.js';

/**
 * Receives each found path: its index, the value's type and range in the
 * line (strings without their quotes), or the error met reading the value
 * (then `type` is 0). Index -1 with an error reports a malformed document.
 */
export type EachKeyVisitor = (
  pathIndex: number,
  type: number,
  start: number,
  end: number,
  error: string | null,
) => void;

function sameTree(p: readonly string[], buf: readonly string[], level: number): boolean {
  const n = Math.min(p.length, level);
  for (let k = 0; k < n; k++) if (p[k] !== buf[k]) return false;
  return true;
}

/** strconv.Atoi as the reader uses it: anything invalid counts as 0. */
function atoiOrZero(s: string): number {
  return /^[+-]?\d+$/.test(s) ? Number(s) : 0;
}

function readKey(s: string, begin: number, end: number, escaped: boolean): string | null {
  return escaped ? unescapeJSON(s, begin, end) : s.slice(begin, end);
}

function report(reader: JsonReader, pathIndex: number, from: number, limit: number, visit: EachKeyVisitor): void {
  const type = reader.scanValue(from, limit);
  if (typeof type === 'string') visit(pathIndex, 0, 0, 0, type);
  else visit(pathIndex, type, reader.start, reader.end, null);
}

/** Scans `s` for the given key paths (indexes written "[N]"). */
export function eachKey(s: string, paths: readonly (readonly string[])[], visit: EachKeyVisitor): void {
  const reader = new JsonReader();
  reader.reset(s);
  const ln = s.length;
  let level = 0;
  let pathsMatched = 0;
  let i = 0;
  const found = new Array<boolean>(paths.length).fill(false);
  let maxPath = 0;
  for (const p of paths) maxPath = Math.max(maxPath, p.length);
  const pathsBuf = new Array<string>(maxPath).fill('');

  while (i < ln) {
    switch (s.charCodeAt(i)) {
      case 0x22: {
        i++;
        const keyBegin = i;
        const strEnd = reader.stringEnd(i, ln);
        if (strEnd === -1) return;
        const keyEscaped = reader.escaped;
        i = strEnd;
        const keyEnd = i - 1;
        const valueAt = nextToken(s, i, ln);
        if (valueAt === -1) return;
        i = valueAt;
        if (s.charCodeAt(i) !== 0x3a) {
          i--;
          break;
        }
        let match = -1;
        const key = readKey(s, keyBegin, keyEnd, keyEscaped);
        if (key === null) return;
        if (maxPath >= level) {
          if (level < 1) {
            visit(-1, 0, 0, 0, MALFORMED_JSON);
            return;
          }
          pathsBuf[level - 1] = key;
          for (let pi = 0; pi < paths.length; pi++) {
            const p = paths[pi]!;
            if (p.length !== level || found[pi] || p[level - 1] !== key || !sameTree(p, pathsBuf, level)) continue;
            match = pi;
            pathsMatched++;
            found[pi] = true;
            report(reader, pi, i + 1, ln, visit);
            if (pathsMatched === paths.length) break;
          }
          if (pathsMatched === paths.length) return;
        }
        if (match === -1) {
          // The reader's skip of an unmatched value: it lands one character short,
          // so in practice nested objects are scanned rather than skipped.
          const t = nextToken(s, i + 1, ln);
          i += t === -1 ? -1 : t - (i + 1);
          if (s.charCodeAt(i) === 0x7b) {
            const be = reader.blockEnd(i, ln, 0x7b, 0x7d);
            i += (be === -1 ? -1 : be - i) + 1;
          }
        }
        if (i < ln) {
          const c = s.charCodeAt(i);
          if (c === 0x7b || c === 0x7d || c === 0x5b || c === 0x22) i--;
        }
        break;
      }
      case 0x7b:
        level++;
        break;
      case 0x7d:
        level--;
        break;
      case 0x5b: {
        if (level < 0) {
          visit(-1, 0, 0, 0, MALFORMED_JSON);
          return;
        }
        const wanted = new Set<number>();
        const indexed = new Array<boolean>(paths.length).fill(false);
        for (let pi = 0; pi < paths.length; pi++) {
          const p = paths[pi]!;
          if (p.length < level + 1 || found[pi]) continue;
          const part = p[level]!;
          if (part === '' || part[0] !== '[' || !sameTree(p, pathsBuf, level)) continue;
          if (part.length > 2) {
            wanted.add(atoiOrZero(part.slice(1, -1)));
            indexed[pi] = true;
          }
        }
        if (wanted.size > 0) {
          level++;
          const arrayLevel = level;
          let curIdx = 0;
          const arrOff = arrayEach(reader, i, ln, (vStart, vEnd, type) => {
            if (wanted.has(curIdx)) {
              for (let pi = 0; pi < paths.length; pi++) {
                if (!indexed[pi]) continue;
                const p = paths[pi]!;
                if (curIdx !== atoiOrZero(p[arrayLevel - 1]!.slice(1, -1))) continue;
                const of = searchKeys(reader, vStart, vEnd, p.slice(arrayLevel));
                pathsMatched++;
                found[pi] = true;
                if (of === -1) continue;
                if (type === TYPE_STRING) visit(pi, TYPE_STRING, vStart + of, vEnd, null);
                else report(reader, pi, vStart + of, vEnd, visit);
              }
            }
            curIdx++;
          });
          if (pathsMatched === paths.length) return;
          i += arrOff - 1;
        } else {
          const be = reader.blockEnd(i, ln, 0x5b, 0x5d);
          if (be === -1) return;
          i = be - 1;
        }
        break;
      }
      case 0x5d:
        level--;
        break;
    }
    i++;
  }
}

type ArrayVisitor = (start: number, end: number, type: number, offset: number) => void;

/**
 * jsonparser's ArrayEach over the array starting at `base`: visits each
 * element's value range (string content without quotes) and returns the
 * offset, relative to `base`, where it stopped.
 */
function arrayEach(reader: JsonReader, base: number, limit: number, visit: ArrayVisitor): number {
  const s = reader.s;
  if (limit - base === 0) return -1;
  const first = nextToken(s, base, limit);
  if (first === -1) return -1;
  let off = first - base + 1;
  const inner = nextToken(s, base + off, limit);
  if (inner === -1) return off;
  off = inner - base;
  if (s.charCodeAt(base + off) === 0x5d) return off;
  for (;;) {
    const type = reader.scanValue(base + off, limit);
    if (typeof type === 'string') return off;
    const o = reader.next - (base + off);
    if (o === 0) break;
    // The element's offset as the reader reports it (for strings, two past the opening quote).
    visit(reader.start, reader.end, type, off + o - (reader.end - reader.start));
    off += o;
    const skip = nextToken(s, base + off, limit);
    if (skip === -1) return off;
    off = skip - base;
    const c = s.charCodeAt(base + off);
    if (c === 0x5d) break;
    if (c !== 0x2c) return off;
    off++;
  }
  return off;
}

/**
 * jsonparser's searchKeys: the offset, relative to `base`, just after the
 * colon of the key path `keys` inside s[base, limit), or -1.
 */
function searchKeys(reader: JsonReader, base: number, limit: number, keys: readonly string[]): number {
  const s = reader.s;
  const lk = keys.length;
  if (lk === 0) return 0;
  const ln = limit - base;
  let keyLevel = 0;
  let level = 0;
  let lastMatched = true;
  let i = 0;
  while (i < ln) {
    switch (s.charCodeAt(base + i)) {
      case 0x22: {
        i++;
        const keyBegin = i;
        const se = reader.stringEnd(base + i, limit);
        if (se === -1) return -1;
        const keyEscaped = reader.escaped;
        i = se - base;
        const keyEnd = i - 1;
        const vo = nextToken(s, base + i, limit);
        if (vo === -1) return -1;
        i = vo - base;
        if (s.charCodeAt(base + i) === 0x3a) {
          if (level < 1) return -1;
          const key = readKey(s, base + keyBegin, base + keyEnd, keyEscaped);
          if (key === null) return -1;
          if (level > lk) return -1;
          if (key === keys[level - 1]) {
            lastMatched = true;
            if (keyLevel === level - 1) {
              keyLevel++;
              if (keyLevel === lk) return i + 1;
            }
          } else {
            lastMatched = false;
          }
        } else {
          i--;
        }
        break;
      }
      case 0x7b:
        if (!lastMatched) {
          const end = reader.blockEnd(base + i, limit, 0x7b, 0x7d);
          if (end === -1) return -1;
          i = end - base - 1;
        } else {
          level++;
        }
        break;
      case 0x7d:
        level--;
        if (level === keyLevel) keyLevel--;
        break;
      case 0x5b: {
        const part = keys[level];
        if (keyLevel === level && part !== undefined && part.startsWith('[')) {
          if (part.length < 3 || !part.endsWith(']')) return -1;
          const idxText = part.slice(1, -1);
          if (!/^[+-]?\d+$/.test(idxText)) return -1;
          const aIdx = Number(idxText);
          let curIdx = 0;
          let foundStart = -1;
          let foundEnd = -1;
          let valueOffset = 0;
          const curI = i;
          arrayEach(reader, base + i, limit, (vStart, vEnd, type, offset) => {
            if (curIdx === aIdx) {
              foundStart = vStart;
              foundEnd = vEnd;
              valueOffset = offset;
              if (type === TYPE_STRING) {
                // Strings are taken back with their quotes.
                valueOffset -= 2;
                foundStart = base + curI + valueOffset;
                foundEnd = foundStart + (vEnd - vStart) + 2;
              }
            }
            curIdx++;
          });
          if (foundStart === -1) return -1;
          const sub = searchKeys(reader, foundStart, foundEnd, keys.slice(level + 1));
          if (sub < 0) return -1;
          return i + valueOffset + sub;
        }
        const be = reader.blockEnd(base + i, limit, 0x5b, 0x5d);
        if (be === -1) return -1;
        i = be - base - 1;
        break;
      }
      case 0x3a:
        return -1;
    }
    i++;
  }
  return -1;
}
