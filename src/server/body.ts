// Reading request bodies with a size limit, and the form parameters of query
// endpoints (URL query merged with an application/x-www-form-urlencoded body,
// as Go's Request.ParseForm does: body values first).
import { HttpError } from './http-error.js';
import type { RequestContext } from './router.js';

export class BodyTooLargeError extends HttpError {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(413, `request body too large: message size too large than max (${size} vs ${limit})`);
  }
}

/** The whole body; rejects with BodyTooLargeError past `limit` bytes (0 = no limit). */
export function readBody(ctx: RequestContext, limit: number): Promise<Buffer> {
  const { req } = ctx;
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (limit > 0 && declared > limit) return Promise.reject(new BodyTooLargeError(declared, limit));
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (limit > 0 && size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(size, limit));
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => resolve(parts.length === 1 ? parts[0]! : Buffer.concat(parts, size)));
    req.on('error', reject);
  });
}

const FORM_LIMIT = 10 << 20;

/** Query parameters from the URL and, for POST, a urlencoded body. */
export async function readForm(ctx: RequestContext): Promise<URLSearchParams> {
  const type = String(ctx.req.headers['content-type'] ?? '');
  if (ctx.req.method !== 'POST' || !type.startsWith('application/x-www-form-urlencoded')) return ctx.url.searchParams;
  const body = await readBody(ctx, FORM_LIMIT);
  const form = new URLSearchParams(body.toString('utf8'));
  for (const [k, v] of ctx.url.searchParams) form.append(k, v);
  return form;
}
