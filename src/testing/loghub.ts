// Where the loghub sample logs are (16 real systems, 2,000 lines each; from
// the loghub collection of system logs, https://github.com/logpai/loghub),
// kept beside the repository in ../shared/data/loghub.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const LOGHUB_DIR = fileURLToPath(new URL('../../../shared/data/loghub', import.meta.url));

/** Fails loudly rather than letting a test pass over an empty corpus. */
export function requireLoghub(): string {
  if (!existsSync(LOGHUB_DIR)) throw new Error(`the loghub sample logs are missing: expected them in ${LOGHUB_DIR}`);
  return LOGHUB_DIR;
}
