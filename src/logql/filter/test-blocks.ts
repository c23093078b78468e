// Test support: builds decoded blocks (lines back to back plus offsets) and
// selections, and reads the loghub sample corpus.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireLoghub } from '../../testing/loghub.js';

export interface TestBlock {
  readonly lines: Buffer;
  readonly offsets: Uint32Array;
  readonly count: number;
}

export function makeBlock(lines: ReadonlyArray<string | Buffer>): TestBlock {
  const parts = lines.map((l) => (typeof l === 'string' ? Buffer.from(l) : l));
  const offsets = new Uint32Array(parts.length + 1);
  let at = 0;
  parts.forEach((p, i) => {
    offsets[i] = at;
    at += p.length;
  });
  offsets[parts.length] = at;
  return { lines: Buffer.concat(parts), offsets, count: parts.length };
}

/** All line indices of a block, as a selection. */
export function selectAll(count: number): Uint32Array {
  const sel = new Uint32Array(count);
  for (let i = 0; i < count; i++) sel[i] = i;
  return sel;
}

/** A deterministic pseudo-random subset of 0..count-1 (about `ratio` of it), ascending. */
export function selectSome(count: number, ratio: number, seed: number): Uint32Array {
  const out: number[] = [];
  let state = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    if ((state >>> 0) / 0x100000000 < ratio) out.push(i);
  }
  return Uint32Array.from(out);
}

/** The lines of the loghub samples (CRLF-terminated files). */
export function loghubLines(): string[] {
  const LOGHUB_DIR = requireLoghub();
  const lines: string[] = [];
  for (const name of readdirSync(LOGHUB_DIR)
    .filter((n) => n.endsWith('.log'))
    .sort()) {
    for (const line of readFileSync(join(LOGHUB_DIR, name), 'utf8').split('\r\n')) if (line !== '') lines.push(line);
  }
  return lines;
}
