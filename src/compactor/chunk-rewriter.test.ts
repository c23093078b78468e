import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBlock } from '../storage/chunk/block.js';
import { decodeChunk, MemChunk } from '../storage/chunk/chunk.js';
import { Codec } from '../storage/chunk/compression.js';
import { rewriteChunk, rewrittenBounds } from './chunk-rewriter.js';

const BASE_SEC = 1_705_276_800;

function chunk(codec: Codec, n: number): Buffer {
  const c = new MemChunk(codec, 200, 0, BASE_SEC);
  for (let i = 0; i < n; i++) {
    c.append(c.offsetOf(BASE_SEC + i, 5), Buffer.from(`line ${i}${i % 3 === 0 ? ' secret' : ''}`), [
      { name: 'n', value: String(i) },
    ]);
  }
  c.cutHead(true);
  return c.encode('t', '{app="x"}');
}

function contents(obj: Buffer): Array<[bigint, string, string]> {
  const p = decodeChunk(obj);
  const base = BigInt(p.baseSec) * 1_000_000_000n;
  const out: Array<[bigint, string, string]> = [];
  for (const b of p.blocks) {
    const d = decodeBlock(b, p.codec, base);
    for (let i = 0; i < d.count; i++)
      out.push([
        base + BigInt(d.ts[i]!),
        d.lines.toString('utf8', d.offsets[i]!, d.offsets[i + 1]!),
        d.metadata?.[i]?.[0]?.value ?? '',
      ]);
  }
  return out;
}

describe('chunk rewriting', () => {
  for (const codec of [Codec.Snappy, Codec.Zstd, Codec.Gzip]) {
    it(`keeps the lines the filter spares, with their times and metadata (${Codec[codec]})`, () => {
      const source = chunk(codec, 40);
      const r = rewriteChunk(source, (_b, _o, line) => line.endsWith('secret'));
      assert.equal(r.removed, 14);
      assert.equal(r.entries, 26);
      const want = contents(source).filter(([, line]) => !line.endsWith('secret'));
      assert.deepEqual(contents(r.object!), want);
      const parsed = decodeChunk(r.object!);
      assert.equal(parsed.codec, codec);
      assert.equal(parsed.labels, '{app="x"}');
      assert.equal(parsed.entries, 26);
      assert.equal(
        r.linesSize,
        want.reduce((n, [, l]) => n + l.length, 0),
      );
      assert.deepEqual(rewrittenBounds(r), { fromMs: (BASE_SEC + 1) * 1000, throughMs: (BASE_SEC + 38) * 1000 + 1 });
    });
  }

  it('reports an untouched chunk as unchanged and an emptied one as gone', () => {
    const source = chunk(Codec.Snappy, 10);
    const none = rewriteChunk(source, () => false);
    assert.deepEqual([none.removed, none.object], [0, null]);
    const all = rewriteChunk(source, () => true);
    assert.deepEqual([all.removed, all.object, all.entries], [10, null, 0]);
  });

  it('decides by the time of each line', () => {
    const source = chunk(Codec.Snappy, 10);
    const cut = BigInt(BASE_SEC + 5) * 1_000_000_000n;
    const r = rewriteChunk(source, (base, off) => base + BigInt(off) >= cut);
    assert.deepEqual(
      contents(r.object!).map(([, l]) => l),
      ['line 0 secret', 'line 1', 'line 2', 'line 3 secret', 'line 4'],
    );
  });
});
