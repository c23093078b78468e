// POST /loki/api/v1/push (and the legacy /api/prom/push): Loki's push
// protocol, protobuf + snappy or JSON (optionally gzip/deflate compressed).
import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import snappy from 'snappy';
import { decodeLegacyPushRequestJSON, decodePushRequestJSON, PushDecodeError } from '../../distributor/decode-json.js';
import { decodePushRequestProto } from '../../distributor/decode-protobuf.js';
import { type Distributor, PushError } from '../../distributor/distributor.js';
import type { PushRequest } from '../../distributor/push-request.js';
import { Messages } from '../../messages.js';
import { readBody } from '../body.js';
import { HttpError } from '../http-error.js';
import { sendNoContent } from '../respond.js';
import type { RequestContext } from '../router.js';
import { resolveTenant, type TenantOptions } from '../tenant.js';

export interface PushRouteOptions {
  distributor: Distributor;
  tenants: TenantOptions;
  /** distributor.max_recv_msg_size: largest (compressed) body accepted. */
  maxRecvMsgSize: number;
  /** Largest decompressed body accepted. */
  maxDecompressedSize: number;
}

const PROTOBUF_TYPES = new Set([
  'application/x-protobuf',
  'application/protobuf',
  'application/vnd.google.protobuf',
  'application/octet-stream',
  'application/x-snappy',
]);

function mediaType(header: string | undefined): string {
  if (!header) throw new HttpError(400, Messages.noMediaType);
  const type = header.split(';')[0]!.trim().toLowerCase();
  if (!type) throw new HttpError(400, Messages.noMediaType);
  return type;
}

function decodeContentEncoding(body: Buffer, encoding: string, limit: number): Buffer {
  const opts = limit > 0 ? { maxOutputLength: limit } : {};
  try {
    switch (encoding) {
      case '':
      case 'snappy':
        return body;
      case 'gzip':
        return gunzipSync(body, opts);
      case 'deflate':
        // HTTP's "deflate" is zlib-wrapped; Go's reader takes raw DEFLATE. Accept both.
        try {
          return inflateSync(body, opts);
        } catch {
          return inflateRawSync(body, opts);
        }
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new HttpError(413, Messages.decompressedTooLarge(limit + 1, limit));
    }
    throw new HttpError(400, (err as Error).message);
  }
  throw new HttpError(400, Messages.contentEncodingNotSupported(encoding));
}

export function decodePushBody(
  body: Buffer,
  contentType: string | undefined,
  contentEncoding: string,
  legacy: boolean,
  maxDecompressed: number,
): PushRequest {
  const encoding = contentEncoding.trim().toLowerCase();
  if (!['', 'snappy', 'gzip', 'deflate'].includes(encoding))
    throw new HttpError(400, Messages.contentEncodingNotSupported(contentEncoding));
  const type = mediaType(contentType);
  const raw = decodeContentEncoding(body, encoding, maxDecompressed);
  if (type === 'application/json') {
    try {
      return legacy ? decodeLegacyPushRequestJSON(raw) : decodePushRequestJSON(raw);
    } catch (err) {
      if (err instanceof PushDecodeError) throw new HttpError(400, err.message);
      throw err;
    }
  }
  // Anything else is read as snappy-compressed protobuf, as Loki does; a body
  // that is not, under a type that is not protobuf, gets a clearer 415.
  try {
    let decompressed: Buffer;
    try {
      decompressed = snappy.uncompressSync(raw, { asBuffer: true, copyOutputData: true }) as Buffer;
    } catch {
      throw new Error('snappy: corrupt input');
    }
    if (maxDecompressed > 0 && decompressed.length > maxDecompressed)
      throw new HttpError(413, Messages.decompressedTooLarge(decompressed.length, maxDecompressed));
    return decodePushRequestProto(decompressed);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (!PROTOBUF_TYPES.has(type)) throw new HttpError(415, Messages.unsupportedContentType(type));
    throw new HttpError(400, (err as Error).message);
  }
}

export function pushHandler(opts: PushRouteOptions, legacy: boolean) {
  const handle = pushRequest(opts, legacy);
  return async (ctx: RequestContext): Promise<void> => {
    try {
      await handle(ctx);
    } catch (err) {
      // Loki's push handler answers with http.Error: the message and a newline.
      if (err instanceof HttpError && !err.newline) throw new HttpError(err.status, err.message, true);
      throw err;
    }
  };
}

function pushRequest(opts: PushRouteOptions, legacy: boolean) {
  return async (ctx: RequestContext): Promise<void> => {
    const tenant = resolveTenant(ctx, opts.tenants);
    const body = await readBody(ctx, opts.maxRecvMsgSize);
    const req = decodePushBody(
      body,
      ctx.req.headers['content-type'],
      String(ctx.req.headers['content-encoding'] ?? ''),
      legacy,
      opts.maxDecompressedSize,
    );
    try {
      await opts.distributor.push(tenant, req);
    } catch (err) {
      if (err instanceof PushError) throw new HttpError(err.status, err.message);
      throw err;
    }
    sendNoContent(ctx);
  };
}
