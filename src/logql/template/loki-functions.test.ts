// Runs the Loki function fixtures in testdata/loki-functions.txt: each case
// gives a template, the labels, line and timestamp of a log entry, and the
// expected output or error message.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { TemplateExecError } from './exec.js';
import { createLokiFunctions } from './loki-functions.js';
import { TemplateParseError } from './parser.js';
import { compileTemplate } from './template.js';

interface Fixture {
  description: string;
  tmpl: string;
  name: string;
  labels: Map<string, string>;
  line: string;
  ts: bigint;
  zone: string;
  out?: string;
  err?: string;
  parseErr?: string;
}

/** A value written as a JSON string is decoded; anything else is literal. */
function value(raw: string): string {
  return raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? (JSON.parse(raw) as string) : raw;
}

function readFixtures(file: string): Fixture[] {
  const fixtures: Fixture[] = [];
  let cur: Fixture | undefined;
  for (const line of readFileSync(new URL(file, import.meta.url), 'utf8').split('\n')) {
    if (line.startsWith('### ')) {
      cur = { description: line.slice(4), tmpl: '', name: 'line', labels: new Map(), line: '', ts: 0n, zone: 'UTC' };
      fixtures.push(cur);
      continue;
    }
    if (!cur || line.startsWith('#') || line.trim() === '') continue;
    const m = /^([a-z-]+(?: [^:]+)?): ?(.*)$/.exec(line);
    if (!m) throw new Error(`bad fixture line: ${line}`);
    const [, key, raw] = m as unknown as [string, string, string];
    if (key.startsWith('label ')) cur.labels.set(key.slice(6), value(raw));
    else if (key === 'tmpl') cur.tmpl = value(raw);
    else if (key === 'name') cur.name = raw;
    else if (key === 'line') cur.line = value(raw);
    else if (key === 'ts') cur.ts = BigInt(raw);
    else if (key === 'zone') cur.zone = raw;
    else if (key === 'out') cur.out = value(raw);
    else if (key === 'err') cur.err = value(raw);
    else if (key === 'parse-err') cur.parseErr = value(raw);
    else throw new Error(`unknown fixture key: ${key}`);
  }
  return fixtures;
}

const fixtures = readFixtures('./testdata/loki-functions.txt');

describe('Loki template functions', () => {
  it('has fixtures', () => {
    assert.ok(fixtures.length > 50);
  });

  for (const f of fixtures) {
    it(f.description, () => {
      const functions = createLokiFunctions({ localTimeZone: f.zone });
      if (f.parseErr !== undefined) {
        assert.throws(
          () => compileTemplate(f.tmpl, { functions, name: f.name }),
          (err: unknown) => err instanceof TemplateParseError && err.message === f.parseErr,
        );
        return;
      }
      const t = compileTemplate(f.tmpl, { functions, name: f.name });
      const run = (): string => t.execute(f.labels, { line: f.line, timestampNs: f.ts });
      if (f.err !== undefined) {
        assert.throws(run, (err: unknown) => {
          assert.ok(err instanceof TemplateExecError);
          assert.equal(err.message, f.err);
          return true;
        });
        return;
      }
      assert.equal(run(), f.out);
    });
  }
});
