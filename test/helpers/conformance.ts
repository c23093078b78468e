// Runs the shared LogQL/API conformance suite (../shared/conformance, answers
// recorded from Loki 2.9) against a running Skald.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './skald-process.js';

const run = promisify(execFile);
export const CONFORMANCE_DIR = join(ROOT, '..', 'shared', 'conformance');

interface Case {
  id: string;
  group: string;
}

/** Case ids of the given groups (all groups when none are given). */
export function caseIds(groups?: readonly string[]): string[] {
  const cases = JSON.parse(readFileSync(join(CONFORMANCE_DIR, 'cases.json'), 'utf8')) as Case[];
  return cases.filter((c) => !groups || groups.includes(c.group)).map((c) => c.id);
}

/**
 * Limits for a server whose answers are compared with Loki 2.9's: 2.9 had no level detection, so
 * its recorded streams carry no `detected_level` (Skald's default too; stated so that a change of
 * default cannot silently break the comparison).
 */
export const LOKI_2_9_LIMITS = { discover_log_levels: false } as const;

export async function conformancePush(url: string): Promise<void> {
  await run(process.execPath, ['run.mjs', 'push', '--url', url], { cwd: CONFORMANCE_DIR, maxBuffer: 16 << 20 });
}

export interface CheckResult {
  passed: number;
  failed: number;
  output: string;
}

export async function conformanceCheck(url: string, ids: readonly string[]): Promise<CheckResult> {
  let output: string;
  try {
    const r = await run(process.execPath, ['run.mjs', 'check', '--url', url, '--only', ids.join(',')], {
      cwd: CONFORMANCE_DIR,
      maxBuffer: 16 << 20,
    });
    output = r.stdout + r.stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    output = (e.stdout ?? '') + (e.stderr ?? '');
  }
  const m = /(\d+) passed, (\d+) failed/.exec(output);
  if (!m) throw new Error(`unexpected conformance output:\n${output}`);
  return { passed: Number(m[1]), failed: Number(m[2]), output };
}
