// Reading an OTLP request body the way Loki does: at most one byte more than
// distributor.max_recv_msg_size is read, and the body is then known to be too
// large. The part read is still decompressed and checked first, so a corrupt
// oversized body gets the decoder's error, as in Loki.
import type { IncomingMessage } from 'node:http';

export interface LimitedBody {
  /** The body, or its first `limit + 1` bytes when it is longer. */
  data: Buffer;
  /** The body is longer than the limit. */
  tooLarge: boolean;
}

/** Reads up to `limit + 1` bytes (everything when `limit` is 0); the rest is drained unread. */
export function readLimitedBody(req: IncomingMessage, limit: number): Promise<LimitedBody> {
  const cap = limit > 0 ? limit + 1 : Number.POSITIVE_INFINITY;
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve({ data: Buffer.concat(parts, size), tooLarge: size > limit && limit > 0 });
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      const room = cap - size;
      if (chunk.length >= room) {
        parts.push(chunk.subarray(0, room));
        size += room;
        finish();
        // Keep the connection usable: drain what is left without keeping it.
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      parts.push(chunk);
      size += chunk.length;
    });
    req.on('end', finish);
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
  });
}
