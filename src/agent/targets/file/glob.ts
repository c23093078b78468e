// Path globs with the rules of the doublestar library Promtail uses for
// `__path__` and `__path_exclude__`: `*` and `?` stay within one path
// segment, `**` as a whole segment spans any number of directories
// (including none), `[a-z]`, `[!x]`/`[^x]` and `{a,b}` work as in shells, and
// dot files are not special.
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const META = /[*?[{\\]/;

export function hasGlobMeta(s: string): boolean {
  return META.test(s);
}

function escapeRegex(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}

/** A regular expression source for one segment pattern (no `/` inside). */
function segmentSource(pattern: string): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      out += escapeRegex(pattern[i + 1]!);
      i += 2;
    } else if (c === '*') {
      out += '[^/]*';
      while (pattern[i] === '*') i++;
    } else if (c === '?') {
      out += '[^/]';
      i++;
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        i++;
        continue;
      }
      let body = pattern.slice(i + 1, close);
      let negate = false;
      if (body[0] === '!' || body[0] === '^') {
        negate = true;
        body = body.slice(1);
      }
      out += `[${negate ? '^/' : ''}${body.replace(/\\(.)/g, (_m, ch: string) => `\\${ch}`).replace(/[\]^]/g, '\\$&')}]`;
      i = close + 1;
    } else if (c === '{') {
      const close = pattern.indexOf('}', i);
      if (close < 0) {
        out += '\\{';
        i++;
        continue;
      }
      const alternatives = pattern.slice(i + 1, close).split(',');
      out += `(?:${alternatives.map(segmentSource).join('|')})`;
      i = close + 1;
    } else {
      out += escapeRegex(c);
      i++;
    }
  }
  return out;
}

const segmentCache = new Map<string, RegExp>();

function segmentRegex(pattern: string): RegExp {
  let re = segmentCache.get(pattern);
  if (re === undefined) {
    re = new RegExp(`^${segmentSource(pattern)}$`, 's');
    if (segmentCache.size > 1000) segmentCache.clear();
    segmentCache.set(pattern, re);
  }
  return re;
}

function matchSegments(pats: readonly string[], pi: number, parts: readonly string[], si: number): boolean {
  while (pi < pats.length) {
    const p = pats[pi]!;
    if (p === '**') {
      // `**` matches zero or more whole segments.
      for (let k = si; k <= parts.length; k++) if (matchSegments(pats, pi + 1, parts, k)) return true;
      return false;
    }
    if (si >= parts.length || !segmentRegex(p).test(parts[si]!)) return false;
    pi++;
    si++;
  }
  return si === parts.length;
}

/** Whether `path` matches `pattern` (doublestar.Match). */
export function globMatch(pattern: string, path: string): boolean {
  if (!hasGlobMeta(pattern)) return pattern === path;
  return matchSegments(pattern.split('/'), 0, path.split('/'), 0);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function listDir(dir: string): Promise<Array<{ name: string; dir: boolean }>> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir === '' ? '.' : dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: Array<{ name: string; dir: boolean }> = [];
  for (const e of entries) {
    // Symbolic links count as what they point to, as doublestar's filesystem walk sees them.
    const isDir = e.isDirectory() || (e.isSymbolicLink() && (await isDirectory(join(dir === '' ? '.' : dir, e.name))));
    out.push({ name: e.name, dir: isDir });
  }
  return out;
}

/**
 * The files and directories matching `pattern` (doublestar.FilepathGlob),
 * sorted. Relative patterns are resolved against the working directory.
 */
export async function expandGlob(pattern: string): Promise<string[]> {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  const results = new Set<string>();
  const base = absolute ? '/' : '';
  const start = absolute ? segments.slice(1) : segments;

  // Symbolic links can form cycles below `**`; no real log tree is this deep.
  const MAX_DEPTH = 40;
  const walk = async (dir: string, i: number, depth = 0): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    if (i === start.length) {
      results.add(dir);
      return;
    }
    const seg = start[i]!;
    if (!hasGlobMeta(seg)) {
      const next = dir === '' ? seg : join(dir, seg);
      if (i === start.length - 1) {
        try {
          await stat(next);
          results.add(next);
        } catch {
          // missing: no match
        }
        return;
      }
      if (await isDirectory(next)) await walk(next, i + 1, depth + 1);
      return;
    }
    if (seg === '**') {
      // Zero directories, then every directory below.
      await walk(dir, i + 1, depth);
      for (const e of await listDir(dir)) {
        if (e.dir) await walk(dir === '' ? e.name : join(dir, e.name), i, depth + 1);
      }
      return;
    }
    const re = segmentRegex(seg);
    for (const e of await listDir(dir)) {
      if (!re.test(e.name)) continue;
      const next = dir === '' ? e.name : join(dir, e.name);
      if (i === start.length - 1) results.add(next);
      else if (e.dir) await walk(next, i + 1, depth + 1);
    }
  };
  await walk(base, 0);
  return [...results].map((p) => (absolute ? p : resolve(p))).sort();
}
