// Runs the readable query fixtures in testdata/.
//
// Format: a case starts with `=== title`, followed by the query (one or more
// lines) and sections, each introduced by a `--- name` line:
//   --- format        the canonical one-line form (formatExpr)
//   --- pretty        the multi-line form (prettifyExpr)
//   --- pretty20      the multi-line form with Loki's test budget of 20 bytes
//   --- error         the exact error message
//   --- no-roundtrip  Loki's printed form does not read back the same
// Lines starting with `#` before the first case are comments. Every valid
// case is also checked to read back from its printed forms to the same tree.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type Expr, formatExpr, parseExpr, prettifyExpr } from './index.js';

interface Fixture {
  title: string;
  query: string;
  sections: Map<string, string>;
}

function readFixtures(path: string): Fixture[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const fixtures: Fixture[] = [];
  let current: Fixture | null = null;
  let section: string | null = null;
  let body: string[] = [];
  const flush = () => {
    if (!current) return;
    while (body.length > 0 && body[body.length - 1] === '') body.pop();
    const text = body.join('\n');
    if (section === null) current.query = text;
    else current.sections.set(section, text);
    body = [];
  };
  for (const line of lines) {
    if (line.startsWith('=== ')) {
      flush();
      current = { title: line.slice(4), query: '', sections: new Map() };
      fixtures.push(current);
      section = null;
    } else if (current && line.startsWith('--- ')) {
      flush();
      section = line.slice(4).trim();
    } else if (current) {
      body.push(line);
    }
  }
  flush();
  return fixtures;
}

/** The tree without source positions, which differ between a query and its printed form. */
function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== 'pos') out[k] = withoutPositions(v);
    return out;
  }
  return value;
}

function assertReadsBack(text: string, original: Expr): void {
  assert.deepEqual(withoutPositions(parseExpr(text)), withoutPositions(original), `reading back:\n${text}`);
}

const dir = new URL('./testdata/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.txt'));

describe('LogQL fixtures', () => {
  for (const file of files) {
    describe(file, () => {
      for (const fx of readFixtures(new URL(file, dir).pathname)) {
        it(fx.title, () => {
          const expectedError = fx.sections.get('error');
          if (expectedError !== undefined) {
            assert.throws(
              () => parseExpr(fx.query),
              (err: unknown) => {
                assert.ok(err instanceof Error);
                assert.equal(err.message, expectedError);
                return true;
              },
            );
            return;
          }
          const expr = parseExpr(fx.query);
          const roundTrip = !fx.sections.has('no-roundtrip');
          const format = fx.sections.get('format');
          if (format !== undefined) {
            assert.equal(formatExpr(expr), format);
            if (roundTrip) assertReadsBack(format, expr);
          }
          const pretty = fx.sections.get('pretty');
          if (pretty !== undefined) {
            assert.equal(prettifyExpr(expr), pretty);
            if (roundTrip) assertReadsBack(pretty, expr);
          }
          const pretty20 = fx.sections.get('pretty20');
          if (pretty20 !== undefined) {
            assert.equal(prettifyExpr(expr, 20), pretty20);
            if (roundTrip) assertReadsBack(pretty20, expr);
          }
        });
      }
    });
  }
});
