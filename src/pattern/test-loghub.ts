// Test support: the loghub sample logs (real logs of 16 systems, 2,000 lines
// each) kept in ../shared/data/loghub next to the repository.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const loghubDir = new URL('../../../shared/data/loghub/', import.meta.url);

/** The lines of one system's sample (`'HDFS'` reads `HDFS_2k.log`), without line ends. */
export function loghubLines(system: string): string[] {
  const text = readFileSync(fileURLToPath(new URL(`${system}_2k.log`, loghubDir)), 'utf8');
  return text
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
    .filter((line) => line !== '');
}
