/**
 * An error answered with a given HTTP status and a plain-text body (Loki's error shape).
 * Loki writes most handler errors as the bare message (its WriteError), but errors
 * written with Go's http.Error (the push handler, the auth middleware) end in a
 * newline; `newline` keeps that difference.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly newline = false,
  ) {
    super(message);
  }
}

export const badRequest = (msg: string): HttpError => new HttpError(400, msg);
