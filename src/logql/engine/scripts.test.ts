// Runs the evaluator's scripted cases (testdata/*.txt); see testdata/script.ts
// for the script language.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseScript } from './testdata/script.js';

const dir = new URL('./testdata/', import.meta.url);

for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort()) {
  describe(`testdata/${file}`, () => {
    for (const c of parseScript(readFileSync(new URL(file, dir), 'utf8'), file)) test(c.name, c.run);
  });
}
