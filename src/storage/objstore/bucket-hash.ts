// Spreading keys over several buckets (storage_config.aws.bucketnames) exactly
// as Loki does, so that Skald and Loki find every chunk in the same bucket:
// FNV-1a (32 bit) of the key's UTF-8 bytes, modulo the number of buckets.

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** 32-bit FNV-1a of the UTF-8 encoding of `key`, as an unsigned integer. */
export function fnv32a(key: string): number {
  let hash = FNV32_OFFSET;
  for (let i = 0; i < key.length; i++) {
    const unit = key.charCodeAt(i);
    if (unit >= 0x80) return fnv32aBytes(Buffer.from(key, 'utf8'));
    hash = Math.imul(hash ^ unit, FNV32_PRIME);
  }
  return hash >>> 0;
}

function fnv32aBytes(bytes: Uint8Array): number {
  let hash = FNV32_OFFSET;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, FNV32_PRIME);
  return hash >>> 0;
}

/** The bucket that holds `key` among `buckets` (which must not be empty). */
export function bucketForKey(buckets: readonly string[], key: string): string {
  return buckets.length === 1 ? buckets[0]! : buckets[fnv32a(key) % buckets.length]!;
}
