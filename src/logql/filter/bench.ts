// Line filter throughput over real logs, single core:
//
//   node --import tsx src/logql/filter/bench.ts [megabytes]
//
// The loghub samples (16 systems) are repeated to ~200 MB and cut into
// 256 KiB blocks of whole lines, the shape the query engine hands over;
// each filter then runs filterBlock over every block with all lines selected.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireLoghub } from '../../testing/loghub.js';
import { regexpEngine } from '../../util/regexp.js';
import { compileLineFilter } from './line-filter.js';
import type { LineFilterSpec } from './types.js';

const DATA_DIR = requireLoghub();
const BLOCK_BYTES = 256 * 1024;

interface Block {
  readonly lines: Buffer;
  readonly offsets: Uint32Array;
  readonly count: number;
}

function loadLines(): Buffer[] {
  const lines: Buffer[] = [];
  for (const name of readdirSync(DATA_DIR)
    .filter((n) => n.endsWith('.log'))
    .sort()) {
    for (const line of readFileSync(join(DATA_DIR, name), 'utf8').split('\r\n')) {
      if (line !== '') lines.push(Buffer.from(line));
    }
  }
  return lines;
}

function buildBlocks(lines: readonly Buffer[], totalBytes: number): Block[] {
  const blocks: Block[] = [];
  let produced = 0;
  let i = 0;
  while (produced < totalBytes) {
    const parts: Buffer[] = [];
    let size = 0;
    while (size + lines[i % lines.length]!.length <= BLOCK_BYTES) {
      const line = lines[i % lines.length]!;
      parts.push(line);
      size += line.length;
      i++;
    }
    const offsets = new Uint32Array(parts.length + 1);
    let at = 0;
    parts.forEach((p, k) => {
      offsets[k] = at;
      at += p.length;
    });
    offsets[parts.length] = at;
    blocks.push({ lines: Buffer.concat(parts, size), offsets, count: parts.length });
    produced += size;
  }
  return blocks;
}

function run(name: string, spec: LineFilterSpec, blocks: readonly Block[], bytes: number): void {
  const filter = compileLineFilter(spec);
  const maxCount = Math.max(...blocks.map((b) => b.count));
  const sel = new Uint32Array(maxCount);
  const out = new Uint32Array(maxCount);
  for (let i = 0; i < maxCount; i++) sel[i] = i;
  const pass = (): number => {
    let kept = 0;
    for (const b of blocks) kept += filter.filterBlock(b.lines, b.offsets, sel, b.count, out);
    return kept;
  };
  pass(); // warm-up
  const started = process.hrtime.bigint();
  const kept = pass();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const lines = blocks.reduce((sum, b) => sum + b.count, 0);
  const mbps = bytes / 1e6 / seconds;
  const share = ((kept / lines) * 100).toFixed(1);
  console.log(
    `${name.padEnd(44)} ${mbps.toFixed(0).padStart(6)} MB/s  ${share.padStart(5)}% kept  ${filter.describe()}`,
  );
}

function main(): void {
  const megabytes = Number(process.argv[2] ?? 200);
  const blocks = buildBlocks(loadLines(), megabytes * 1e6);
  const bytes = blocks.reduce((sum, b) => sum + b.lines.length, 0);
  console.log(`${blocks.length} blocks, ${(bytes / 1e6).toFixed(0)} MB, regexp engine: ${regexpEngine}`);
  const str = (op: LineFilterSpec['op'], value: string): LineFilterSpec => ({
    op,
    values: [{ type: 'string', value }],
  });
  run('|= "zqxjkv" (never matches)', str('|=', 'zqxjkv'), blocks, bytes);
  run('|= "connection" (~5% of lines)', str('|=', 'connection'), blocks, bytes);
  run('|~ "(?i)(error|fail)"', str('|~', '(?i)(error|fail)'), blocks, bytes);
  run(
    '|~ "Failed password for (invalid user )?\\w+"',
    str('|~', 'Failed password for (invalid user )?\\w+'),
    blocks,
    bytes,
  );
  run('!= "x"', str('!=', 'x'), blocks, bytes);
  run('|= ip("10.0.0.0/8")', { op: '|=', values: [{ type: 'ip', value: '10.0.0.0/8' }] }, blocks, bytes);
  run('|= ip("2001:db8::/32")', { op: '|=', values: [{ type: 'ip', value: '2001:db8::/32' }] }, blocks, bytes);
  run('|~ "\\d{3} ms|blk_-?\\d+"', str('|~', '\\d{3} ms|blk_-?\\d+'), blocks, bytes);
  run('|~ "\\w+@\\w+"', str('|~', '\\w+@\\w+'), blocks, bytes);
  run('|> "<_> error <_>"', str('|>', '<_> error <_>'), blocks, bytes);
}

main();
