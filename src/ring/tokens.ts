// Tokens: the points of the 32-bit hash ring an instance owns. A stream
// belongs to the instances owning the first tokens after its hash. The hash is
// Loki's (FNV-1 32 of the tenant followed by the stream's labels), so a stream
// maps to the same ring position in Skald and Loki.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

const FNV32_OFFSET = 2166136261;
const FNV32_PRIME = 16777619;

function fnv1Bytes(hash: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      // Non-ASCII: hash the UTF-8 bytes from here on, as Go hashes the string's bytes.
      for (const b of Buffer.from(s.slice(i), 'utf8')) hash = (Math.imul(hash, FNV32_PRIME) ^ b) >>> 0;
      return hash;
    }
    hash = (Math.imul(hash, FNV32_PRIME) ^ c) >>> 0;
  }
  return hash;
}

/** Loki's ring key of a stream: FNV-1 32 over the tenant id and then the labels string. */
export function tokenFor(tenant: string, labels: string): number {
  return fnv1Bytes(fnv1Bytes(FNV32_OFFSET, tenant), labels);
}

/**
 * `count` random tokens, none of them in `taken`, sorted (dskit's random
 * token generator). `random` returns a uniform uint32 (injectable for tests).
 */
export function generateTokens(
  count: number,
  taken: Iterable<number>,
  random: () => number = () => Math.floor(Math.random() * 0x1_0000_0000),
): number[] {
  const used = new Set(taken);
  const out: number[] = [];
  while (out.length < count) {
    const t = random() >>> 0;
    if (used.has(t)) continue;
    used.add(t);
    out.push(t);
  }
  return out.sort((a, b) => a - b);
}

/** Reads dskit's tokens file (`{"tokens":[...]}`); an absent file means no tokens. */
export async function loadTokensFile(path: string): Promise<number[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const parsed = JSON.parse(text) as { tokens?: unknown };
  if (!Array.isArray(parsed.tokens)) return [];
  return parsed.tokens.filter((t): t is number => Number.isInteger(t) && t >= 0 && t <= 0xffffffff);
}

/** Writes the tokens file atomically (temporary file, then rename), as dskit does. */
export async function storeTokensFile(path: string, tokens: readonly number[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, JSON.stringify({ tokens }));
  await rename(`${path}.tmp`, path);
}
