import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DECODE_ALL, type DecodedBlock } from '../storage/chunk/block.js';
import { MemChunk } from '../storage/chunk/chunk.js';
import { Codec } from '../storage/chunk/compression.js';
import { memoryChunkHandle, type StreamData } from './sources.js';
import { streamBlocks } from './stream-blocks.js';

const BASE = 1_700_000_000;

function chunk(entries: Array<[number, string]>, blockSize = 64): MemChunk {
  const c = new MemChunk(Codec.Snappy, blockSize, 0, BASE);
  for (const [sec, line] of entries) c.append(c.offsetOf(BASE + sec, 0), Buffer.from(line), []);
  return c;
}

function stream(...chunks: MemChunk[]): StreamData {
  return { labels: [], key: '{}', fp: '0', chunks: chunks.map((c) => memoryChunkHandle(c, undefined)) };
}

async function read(s: StreamData, direction: 'forward' | 'backward', from = 0, through = 1000): Promise<string[]> {
  const out: string[] = [];
  const ns = (sec: number) => BigInt(BASE + sec) * 1_000_000_000n;
  for await (const { block, lo, hi } of streamBlocks(s, {
    fromNs: ns(from),
    throughNs: ns(through),
    direction,
    decode: DECODE_ALL,
  })) {
    const lines = entries(block).slice(lo, hi);
    out.push(...(direction === 'forward' ? lines : lines.reverse()));
  }
  return out;
}

function entries(b: DecodedBlock): string[] {
  const out: string[] = [];
  for (let i = 0; i < b.count; i++)
    out.push(
      `${Number(b.ts[i]! / 1e9) + Number(b.baseNs / 1_000_000_000n) - BASE}:${b.lines.toString('utf8', b.offsets[i], b.offsets[i + 1])}`,
    );
  return out;
}

describe('reading a stream block by block', () => {
  const lines = Array.from({ length: 40 }, (_, i) => [i, `line number ${i}`] as [number, string]);

  it('yields entries in time order both ways, across blocks and chunks', async () => {
    const s = stream(chunk(lines.slice(0, 20)), chunk(lines.slice(20)));
    const fwd = await read(s, 'forward');
    assert.equal(fwd.length, 40);
    assert.equal(fwd[0], '0:line number 0');
    assert.deepEqual(await read(s, 'backward'), [...fwd].reverse());
  });

  it('limits entries to [from, through)', async () => {
    const got = await read(stream(chunk(lines)), 'forward', 10, 13);
    assert.deepEqual(got, ['10:line number 10', '11:line number 11', '12:line number 12']);
  });

  it('merges overlapping chunks and drops exact duplicates once', async () => {
    const a = chunk(lines.slice(0, 25));
    const b = chunk([...lines.slice(15, 40), [16, 'a different line at 16']]);
    const got = await read(stream(a, b), 'forward');
    assert.equal(got.length, 41);
    assert.equal(new Set(got).size, 41);
    assert.deepEqual(got.slice(15, 18), ['15:line number 15', '16:line number 16', '16:a different line at 16']);
  });

  it('handles out-of-order writes that spread over overlapping blocks', async () => {
    const shuffled = [...lines].sort((x, y) => ((x[0] * 7) % 40) - ((y[0] * 7) % 40));
    const got = await read(stream(chunk(shuffled, 100)), 'forward');
    assert.deepEqual(
      got,
      lines.map(([t, l]) => `${t}:${l}`),
    );
  });
});
