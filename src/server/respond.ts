// Writing responses: JSON bodies (gzipped when the client accepts it, as Loki
// does) and Loki's plain-text errors (`http.Error`: the message and a newline).
import { gzipSync } from 'node:zlib';
import type { RequestContext } from './router.js';

const GZIP_MIN_BYTES = 1024;

function acceptsGzip(ctx: RequestContext): boolean {
  const ae = ctx.req.headers['accept-encoding'];
  return typeof ae === 'string' && /\bgzip\b/.test(ae);
}

export function sendBody(ctx: RequestContext, status: number, contentType: string, body: string | Buffer): void {
  const res = ctx.res;
  if (res.headersSent) return;
  let payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.setHeader('Content-Type', contentType);
  if (payload.length >= GZIP_MIN_BYTES && acceptsGzip(ctx)) {
    payload = gzipSync(payload, { level: 1 });
    res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Vary', 'Accept-Encoding');
  }
  res.setHeader('Content-Length', payload.length);
  res.statusCode = status;
  res.end(ctx.req.method === 'HEAD' ? undefined : payload);
}

/** A JSON body; `body` is either an object to serialise or JSON text built by the caller. */
export function sendJSON(ctx: RequestContext, body: unknown, status = 200): void {
  sendBody(ctx, status, 'application/json; charset=UTF-8', typeof body === 'string' ? body : JSON.stringify(body));
}

export function sendText(ctx: RequestContext, body: string, status = 200): void {
  sendBody(ctx, status, 'text/plain; charset=utf-8', body);
}

/** Loki's error response: plain text, the message followed by a newline. */
/** A plain-text error; `newline` as Go's http.Error writes it (true), or the bare message as Loki's WriteError. */
export function sendError(ctx: RequestContext, status: number, message: string, newline = true): void {
  const res = ctx.res;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.setHeader('X-Content-Type-Options', 'nosniff');
  sendBody(ctx, status, 'text/plain; charset=utf-8', newline ? `${message}\n` : message);
}

export function sendNoContent(ctx: RequestContext): void {
  ctx.res.statusCode = 204;
  ctx.res.end();
}
