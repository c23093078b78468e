// Block compression codecs. The names are Loki's `ingester.chunk_encoding`
// values; every lz4 variant maps to the same LZ4 block codec here because the
// variants only differ in Go's buffer sizes, not in the format a reader needs.
import { createRequire } from 'node:module';
import { deflateRawSync, gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import snappy from 'snappy';
import * as zstd from 'zstd-napi';

const require = createRequire(import.meta.url);
const lz4 = require('lz4-napi') as {
  compressSync(data: Buffer): Buffer;
  uncompressSync(data: Uint8Array): Buffer;
};

export enum Codec {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
  Flate = 5,
}

const byName: Record<string, Codec> = {
  none: Codec.None,
  gzip: Codec.Gzip,
  snappy: Codec.Snappy,
  lz4: Codec.Lz4,
  'lz4-64k': Codec.Lz4,
  'lz4-256k': Codec.Lz4,
  'lz4-1m': Codec.Lz4,
  'lz4-4m': Codec.Lz4,
  flate: Codec.Flate,
  zstd: Codec.Zstd,
};

export const supportedEncodings = Object.keys(byName);

/** Resolves an `ingester.chunk_encoding` name; throws on an unknown one, as Loki does at start-up. */
export function codecFromName(name: string): Codec {
  const c = byName[name.toLowerCase()];
  if (c === undefined) throw new Error(`invalid encoding: ${name}, supported: ${supportedEncodings.join(', ')}`);
  return c;
}

export function codecName(c: Codec): string {
  return Codec[c].toLowerCase();
}

export function compress(codec: Codec, data: Buffer): Buffer {
  switch (codec) {
    case Codec.None:
      return data;
    case Codec.Snappy:
      return snappy.compressSync(data, { copyOutputData: true });
    case Codec.Zstd:
      return zstd.compress(data, { compressionLevel: 1 });
    case Codec.Lz4:
      return lz4.compressSync(data);
    case Codec.Gzip:
      return gzipSync(data, { level: 6 });
    case Codec.Flate:
      return deflateRawSync(data, { level: 6 });
  }
}

export function decompress(codec: Codec, data: Buffer): Buffer {
  switch (codec) {
    case Codec.None:
      return data;
    case Codec.Snappy:
      // copyOutputData: an external buffer per call costs more than the copy.
      return snappy.uncompressSync(data, { asBuffer: true, copyOutputData: true }) as Buffer;
    case Codec.Zstd:
      return zstd.decompress(data);
    case Codec.Lz4:
      return lz4.uncompressSync(data);
    case Codec.Gzip:
      return gunzipSync(data);
    case Codec.Flate:
      return inflateRawSync(data);
  }
}
