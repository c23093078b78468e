#!/usr/bin/env node
// Runs every test file with node:test. Test files sit beside the code they test
// (src/**/*.test.ts); end-to-end tests that start real processes live in test/.
// Node 20's --test does not expand globs or strip types, so the files are listed
// here and loaded through tsx.
//
//   node scripts/run-tests.mjs            all tests
//   node scripts/run-tests.mjs --unit     only src/ (no end-to-end tests)
//   node scripts/run-tests.mjs <files..>  the named files
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'testdata' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

let files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  files = walk(join(root, 'src'), []);
  if (!args.includes('--unit')) walk(join(root, 'test'), files);
}
files.sort();
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(res.status ?? 1);
