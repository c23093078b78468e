// The cache back ends of the results cache and the chunk cache (Loki's
// cache.Cache): fetch many keys at once, store many values, stop. Keys are
// short hashes (hashKey), values opaque bytes. A back end may fail; both
// caches treat a failure as a miss and never fail a query over it.

export interface Cache {
  /** Loki's cache name (`frontend.embedded-cache`, `frontend.memcache`), the `name` label of the metrics. */
  readonly name: string;
  /** The values found; missing keys are absent from the map. */
  fetch(keys: readonly string[], signal?: AbortSignal): Promise<Map<string, Buffer>>;
  store(entries: ReadonlyArray<readonly [string, Buffer]>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * FNV-1a 64 of the key's UTF-8 bytes as 16 hex digits (Loki's cache.HashKey):
 * every back end accepts it as a key (memcached refuses spaces, control
 * characters and keys over 250 bytes). Computed on four 16-bit limbs, since
 * BigInt arithmetic per byte is slow for the hundreds of keys a long query has.
 */
export function hashKey(key: string): string {
  const bytes = Buffer.from(key, 'utf8');
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < bytes.length; i++) {
    h0 ^= bytes[i]!;
    // h * 0x100000001b3 mod 2^64 = h * 0x1b3 + (h << 40)
    const t0 = h0 * 0x1b3;
    let t1 = h1 * 0x1b3;
    let t2 = h2 * 0x1b3 + (h0 << 8);
    let t3 = h3 * 0x1b3 + (h1 << 8);
    t1 += t0 >>> 16;
    h0 = t0 & 0xffff;
    t2 += t1 >>> 16;
    h1 = t1 & 0xffff;
    t3 += t2 >>> 16;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  }
  const hex = (n: number) => n.toString(16).padStart(4, '0');
  return hex(h3) + hex(h2) + hex(h1) + hex(h0);
}
