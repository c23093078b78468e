import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChunkCorruptError, decodeBlock } from './block.js';
import { chunkBoundsMs, chunkKey, decodeChunk, MemChunk } from './chunk.js';
import { Codec } from './compression.js';

function linesOf(block: { count: number; offsets: Uint32Array; lines: Buffer }): string[] {
  const out: string[] = [];
  for (let i = 0; i < block.count; i++) out.push(block.lines.toString('utf8', block.offsets[i], block.offsets[i + 1]));
  return out;
}

function buildChunk(codec: Codec, n: number, blockSize = 1024): MemChunk {
  const c = new MemChunk(codec, blockSize, 1_500_000, 1_705_276_800);
  for (let i = 0; i < n; i++) {
    c.append(
      c.offsetOf(1_705_276_800 + i, 7),
      Buffer.from(`line ${i} ${'x'.repeat(i % 50)}`),
      i % 10 === 0 ? [{ name: 'trace_id', value: `t${i}` }] : [],
    );
  }
  return c;
}

describe('chunk format', () => {
  for (const codec of [Codec.None, Codec.Gzip, Codec.Snappy, Codec.Lz4, Codec.Zstd, Codec.Flate]) {
    it(`round-trips entries, times and structured metadata with ${Codec[codec]}`, () => {
      const c = buildChunk(codec, 500);
      assert.ok(c.blocks.length > 3, 'lines were cut into several blocks');
      const parsed = decodeChunk(c.encode('tenant-a', '{app="x"}'));
      assert.equal(parsed.tenant, 'tenant-a');
      assert.equal(parsed.labels, '{app="x"}');
      assert.equal(parsed.entries, 500);
      assert.equal(parsed.minNs, 1_705_276_800_000_000_007n);
      assert.equal(parsed.maxNs, 1_705_277_299_000_000_007n);
      const got: string[] = [];
      const meta: string[] = [];
      for (const b of parsed.blocks) {
        const d = decodeBlock(b, parsed.codec, parsed.baseSec === 1_705_276_800 ? 1_705_276_800_000_000_000n : 0n);
        got.push(...linesOf(d));
        for (let i = 0; i < d.count; i++) {
          assert.equal(
            d.baseNs + BigInt(d.ts[i]!),
            1_705_276_800_000_000_007n + BigInt(got.length - d.count + i) * 1_000_000_000n,
          );
          const m = d.metadata?.[i];
          if (m?.length) meta.push(m[0]!.value);
        }
      }
      assert.equal(got.length, 500);
      assert.equal(got[123], `line 123 ${'x'.repeat(23)}`);
      assert.deepEqual(meta.slice(0, 3), ['t0', 't10', 't20']);
    });
  }

  it('sorts out-of-order entries within a block and keeps the arrival order of equal times', () => {
    const c = new MemChunk(Codec.Snappy, 1 << 20, 0, 100);
    for (const [s, line] of [
      [3, 'c'],
      [1, 'a'],
      [2, 'b1'],
      [2, 'b2'],
    ] as const) {
      c.append(c.offsetOf(s, 0), Buffer.from(line), []);
    }
    assert.deepEqual(linesOf(c.headView()!), ['a', 'b1', 'b2', 'c']);
    assert.equal(c.headContains(c.offsetOf(2, 0), Buffer.from('b2')), true);
    assert.equal(c.headContains(c.offsetOf(2, 0), Buffer.from('b3')), false);
  });

  it('detects a flipped bit anywhere and reports it instead of returning data', () => {
    const obj = buildChunk(Codec.Snappy, 200).encode('t', '{a="b"}');
    let detected = 0;
    for (let pos = 0; pos < obj.length; pos += 7) {
      const bad = Buffer.from(obj);
      bad[pos] = bad[pos]! ^ 0x10;
      try {
        const parsed = decodeChunk(bad);
        for (const b of parsed.blocks) decodeBlock(b, parsed.codec, 0n);
      } catch (err) {
        assert.ok(err instanceof ChunkCorruptError, String(err));
        detected++;
        continue;
      }
      assert.fail(`corruption at byte ${pos} went unnoticed`);
    }
    assert.ok(detected > 10);
  });

  it('refuses entries too far from the chunk base to be exact', () => {
    const c = new MemChunk(Codec.None, 1024, 0, 1_000_000_000);
    assert.ok(Number.isNaN(c.offsetOf(1_000_000_000 + 5_000_000, 0)));
    assert.equal(c.offsetOf(1_000_000_001, 5), 1_000_000_005);
  });

  it("names chunks like Loki's v12+ schema", () => {
    assert.equal(
      chunkKey(
        'fake',
        '0123456789abcdef',
        chunkBoundsMs(1_705_276_800_000_000_000n, 1_705_276_800_000_000_001n).fromMs,
        chunkBoundsMs(1_705_276_800_000_000_000n, 1_705_276_800_000_000_001n).throughMs,
        0xdeadbeef,
      ),
      'fake/0123456789abcdef/18d0a6afc00:18d0a6afc01:deadbeef',
    );
  });
});
