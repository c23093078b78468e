import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { compress as zstdCompress } from 'zstd-napi';
import { checkContentEncoding, type Decompressed, decompressBody } from './content-encoding.js';
import { OtlpRequestError } from './errors.js';
import { Lz4FormatError, lz4Frames } from './lz4-frames.js';

const require = createRequire(import.meta.url);
const lz4 = require('lz4-napi') as {
  compressFrameSync(data: Buffer, options?: { contentChecksum?: boolean; blockChecksums?: boolean }): Buffer;
};

const TEXT = Buffer.from('{"resourceLogs":[]} '.repeat(500));
const HUGE = Buffer.alloc(10 << 20, 'a');

async function text(p: Promise<Decompressed>): Promise<string> {
  const out = await p;
  assert.equal(out.tooLarge, false);
  return out.data.toString();
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof OtlpRequestError);
    assert.equal(err.status, 400);
    return err.message;
  }
  assert.fail('expected a refusal');
}

describe('checkContentEncoding', () => {
  it('takes none, gzip, zstd and lz4, written exactly so', () => {
    for (const e of ['', 'gzip', 'zstd', 'lz4']) checkContentEncoding(e);
    for (const e of ['br', 'deflate', 'snappy', 'GZIP', 'gzip, br']) {
      assert.throws(
        () => checkContentEncoding(e),
        new OtlpRequestError(400, `unsupported content encoding ${e}: only gzip, lz4 and zstd are supported`),
      );
    }
  });
});

describe('decompressBody', () => {
  it('passes an unencoded body through, flagging one over the limit', async () => {
    assert.equal(await text(decompressBody(TEXT, '', 0)), TEXT.toString());
    assert.equal((await decompressBody(TEXT, '', TEXT.length)).tooLarge, false);
    assert.equal((await decompressBody(TEXT, '', TEXT.length - 1)).tooLarge, true);
  });

  it('decompresses gzip, including several members', async () => {
    assert.equal(await text(decompressBody(gzipSync(TEXT), 'gzip', 0)), TEXT.toString());
    const two = Buffer.concat([gzipSync('hello '), gzipSync('world')]);
    assert.equal(await text(decompressBody(two, 'gzip', 0)), 'hello world');
  });

  it('stops gzip output past the limit', async () => {
    assert.equal((await decompressBody(gzipSync(HUGE), 'gzip', 1 << 20)).tooLarge, true);
    assert.equal((await decompressBody(gzipSync(TEXT), 'gzip', TEXT.length)).tooLarge, false);
  });

  it('refuses corrupt gzip with the Go reader messages', async () => {
    assert.equal(await refusal(decompressBody(Buffer.from('invalid gzip data'), 'gzip', 0)), 'gzip: invalid header');
    const full = gzipSync(TEXT);
    assert.equal(await refusal(decompressBody(full.subarray(0, full.length - 10), 'gzip', 0)), 'unexpected EOF');
    assert.equal(await refusal(decompressBody(Buffer.alloc(0), 'gzip', 0)), 'EOF');
    const badCrc = Buffer.from(full);
    badCrc[badCrc.length - 5]! ^= 0xff;
    assert.equal(await refusal(decompressBody(badCrc, 'gzip', 0)), 'gzip: invalid checksum');
  });

  it('decompresses zstd, including several frames', async () => {
    assert.equal(await text(decompressBody(zstdCompress(TEXT), 'zstd', 0)), TEXT.toString());
    const two = Buffer.concat([zstdCompress(Buffer.from('hello ')), zstdCompress(Buffer.from('world'))]);
    assert.equal(await text(decompressBody(two, 'zstd', 0)), 'hello world');
    assert.equal(await text(decompressBody(Buffer.alloc(0), 'zstd', 0)), '');
  });

  it('stops zstd output past the limit', async () => {
    assert.equal((await decompressBody(zstdCompress(HUGE), 'zstd', 1 << 20)).tooLarge, true);
  });

  it('refuses corrupt zstd with the Go reader messages', async () => {
    assert.equal(
      await refusal(decompressBody(Buffer.from('invalid zstd data'), 'zstd', 0)),
      'invalid input: magic number mismatch',
    );
    const full = zstdCompress(TEXT);
    assert.equal(await refusal(decompressBody(full.subarray(0, full.length - 4), 'zstd', 0)), 'unexpected EOF');
  });

  it('decompresses lz4 frames, with or without checksums, several frames and skippable frames', async () => {
    assert.equal(await text(decompressBody(lz4.compressFrameSync(TEXT), 'lz4', 0)), TEXT.toString());
    const checked = lz4.compressFrameSync(TEXT, { contentChecksum: true, blockChecksums: true });
    assert.equal(await text(decompressBody(checked, 'lz4', 0)), TEXT.toString());
    const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    const body = Buffer.concat([
      lz4.compressFrameSync(Buffer.from('hello ')),
      skippable,
      lz4.compressFrameSync(Buffer.from('world')),
    ]);
    assert.equal(await text(decompressBody(body, 'lz4', 0)), 'hello world');
    assert.equal(await text(decompressBody(Buffer.alloc(0), 'lz4', 0)), '');
  });

  it('refuses an lz4 body whose blocks could expand past the limit, without expanding it', async () => {
    assert.equal((await decompressBody(lz4.compressFrameSync(HUGE), 'lz4', 1 << 20)).tooLarge, true);
    assert.equal((await decompressBody(lz4.compressFrameSync(TEXT), 'lz4', 1 << 20)).tooLarge, false);
  });

  it('refuses corrupt lz4', async () => {
    assert.equal(await refusal(decompressBody(Buffer.from('invalid lz4 data'), 'lz4', 0)), 'lz4: bad magic number');
    const full = lz4.compressFrameSync(TEXT);
    assert.equal(await refusal(decompressBody(full.subarray(0, full.length - 3), 'lz4', 0)), 'unexpected EOF');
  });

  it('refuses an unsupported encoding', async () => {
    assert.equal(
      await refusal(decompressBody(TEXT, 'br', 0)),
      'unsupported content encoding br: only gzip, lz4 and zstd are supported',
    );
  });
});

describe('lz4Frames', () => {
  it('finds each frame and bounds its output by its block headers', () => {
    const a = lz4.compressFrameSync(TEXT);
    const b = lz4.compressFrameSync(HUGE);
    const frames = lz4Frames(Buffer.concat([a, b]));
    assert.deepEqual(
      frames.map((f) => [f.start, f.end]),
      [
        [0, a.length],
        [a.length, a.length + b.length],
      ],
    );
    assert.ok(frames[0]!.maxOutput >= TEXT.length);
    assert.ok(frames[1]!.maxOutput >= HUGE.length && frames[1]!.maxOutput <= HUGE.length + (4 << 20));
  });

  it('refuses the legacy format and unknown frame versions', () => {
    assert.throws(() => lz4Frames(Buffer.from([0x02, 0x21, 0x4c, 0x18, 0, 0, 0, 0])), Lz4FormatError);
    const bad = Buffer.from(lz4.compressFrameSync(TEXT));
    bad[4] = 0x00;
    assert.throws(() => lz4Frames(bad), new Lz4FormatError('lz4: unsupported frame version'));
  });
});
