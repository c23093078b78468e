// Decompression of OTLP request bodies by Content-Encoding, as Loki accepts
// them: none, gzip, zstd or lz4, anything else refused. Output stops one byte
// past `max_decompressed_size`, so an oversized body is reported without ever
// being held in memory whole; decoder errors carry the wording of Go's
// decoders where clients might see a difference.

import { constants as bufferConstants } from 'node:buffer';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DecompressStream } from 'zstd-napi';
import { OtlpRequestError } from './errors.js';
import { Lz4FormatError, lz4Frames } from './lz4-frames.js';

const require = createRequire(import.meta.url);
const lz4 = require('lz4-napi') as { decompressFrameSync(data: Buffer): Buffer };
const gunzipAsync = promisify(gunzip);

export const SUPPORTED_CONTENT_ENCODINGS: readonly string[] = ['', 'gzip', 'zstd', 'lz4'];

export interface Decompressed {
  data: Buffer;
  /** More than the limit came out; `data` is then incomplete and must not be used. */
  tooLarge: boolean;
}

/** Refuses an encoding Loki does not take (the value is compared as sent, like Loki). */
export function checkContentEncoding(encoding: string): void {
  if (!SUPPORTED_CONTENT_ENCODINGS.includes(encoding)) {
    throw new OtlpRequestError(400, `unsupported content encoding ${encoding}: only gzip, lz4 and zstd are supported`);
  }
}

function gzipErrorMessage(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'Z_BUF_ERROR') return 'unexpected EOF';
  if (e.message === 'incorrect header check') return 'gzip: invalid header';
  if (e.message === 'incorrect data check') return 'gzip: invalid checksum';
  return `flate: corrupt input (${e.message ?? String(err)})`;
}

async function gunzipLimited(body: Buffer, limit: number): Promise<Decompressed> {
  // Go's reader fails on an empty body before reading any data.
  if (body.length === 0) throw new OtlpRequestError(400, 'EOF');
  const maxOutputLength = limit > 0 ? Math.min(limit, bufferConstants.MAX_LENGTH) : undefined;
  try {
    const data = await gunzipAsync(body, maxOutputLength === undefined ? {} : { maxOutputLength });
    return { data, tooLarge: false };
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return { data: Buffer.alloc(0), tooLarge: true };
    throw new OtlpRequestError(400, gzipErrorMessage(err));
  }
}

function zstdErrorMessage(err: Error): string {
  if (err.message === 'Unknown frame descriptor') return 'invalid input: magic number mismatch';
  if (err.message === 'Stream ended in middle of compressed data frame') return 'unexpected EOF';
  return err.message;
}

function unzstdLimited(body: Buffer, limit: number): Promise<Decompressed> {
  if (body.length === 0) return Promise.resolve({ data: body, tooLarge: false });
  return new Promise((resolve, reject) => {
    const stream = new DecompressStream();
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (limit > 0 && size > limit) {
        settled = true;
        stream.destroy();
        resolve({ data: Buffer.alloc(0), tooLarge: true });
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', (err: Error) => {
      if (settled) return;
      settled = true;
      reject(new OtlpRequestError(400, zstdErrorMessage(err)));
    });
    stream.on('end', () => {
      if (settled) return;
      settled = true;
      resolve({ data: Buffer.concat(chunks, size), tooLarge: false });
    });
    stream.end(body);
  });
}

function unlz4Limited(body: Buffer, limit: number): Decompressed {
  try {
    const frames = lz4Frames(body);
    const bound = frames.reduce((n, f) => n + f.maxOutput, 0);
    // The bound is what the block headers allow; refusing on it (not on the
    // real size) is what keeps a bomb from being expanded at all.
    if (limit > 0 && bound > limit) return { data: Buffer.alloc(0), tooLarge: true };
    const parts = frames.map((f) => lz4.decompressFrameSync(body.subarray(f.start, f.end)));
    return { data: parts.length === 1 ? parts[0]! : Buffer.concat(parts), tooLarge: false };
  } catch (err) {
    if (err instanceof Lz4FormatError) throw new OtlpRequestError(400, err.message);
    throw new OtlpRequestError(400, `lz4: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Decompresses a body; `limit` is max_decompressed_size (0: none). Throws
 * OtlpRequestError(400) for an unsupported encoding or corrupt data.
 */
export async function decompressBody(body: Buffer, encoding: string, limit: number): Promise<Decompressed> {
  checkContentEncoding(encoding);
  let out: Decompressed;
  switch (encoding) {
    case 'gzip':
      out = await gunzipLimited(body, limit);
      break;
    case 'zstd':
      out = await unzstdLimited(body, limit);
      break;
    case 'lz4':
      out = unlz4Limited(body, limit);
      break;
    default:
      out = { data: body, tooLarge: false };
  }
  if (!out.tooLarge && limit > 0 && out.data.length > limit) return { data: Buffer.alloc(0), tooLarge: true };
  return out;
}
