import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toByteString } from './byte-string.js';
import { detectLogFormat, isLogfmtLine } from './log-format.js';

// Loki's definition of a logfmt line, written out for a backtracking engine
// with RE2's character classes; fine for the short lines of the comparison.
const lokiLogfmt =
  /^(?:[0-9A-Za-z_]+?=(?:[^"][^\t\n\f\r ]*?|"[^\n]+?") )*?(?:[0-9A-Za-z_]+?=(?:[^"][^\t\n\f\r ]*?|"[^\n]+?"))+$/;

describe('log format detection', () => {
  it('takes a line in braces for JSON', () => {
    assert.equal(detectLogFormat('{"level":"info"}'), 'json');
    assert.equal(detectLogFormat('{not really json}'), 'json');
  });

  it('takes a line of key=value pairs for logfmt', () => {
    assert.equal(detectLogFormat('level=info msg="user logged in" user=42'), 'logfmt');
    assert.equal(detectLogFormat('ts=1 msg=hello'), 'logfmt');
    assert.equal(detectLogFormat('a=b'), 'logfmt');
  });

  it('takes anything else for unknown', () => {
    assert.equal(detectLogFormat('2024-05-01 INFO started'), 'unknown');
    assert.equal(detectLogFormat('level=info started'), 'unknown');
    assert.equal(detectLogFormat('a=b\tc=d'), 'unknown');
    assert.equal(detectLogFormat('msg="unterminated'), 'unknown');
    assert.equal(detectLogFormat('x'), 'unknown');
    assert.equal(detectLogFormat(''), 'unknown');
  });

  it('agrees with Loki regular expression on random short lines', () => {
    const alphabet = ['a', 'b', '_', '1', '=', '"', ' ', ' ', '\t', '\n', '\xc3', '\xa9', '-'];
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let logfmt = 0;
    for (let i = 0; i < 20_000; i++) {
      let line = '';
      const len = 1 + random(14);
      for (let k = 0; k < len; k++) line += alphabet[random(alphabet.length)];
      const expected = lokiLogfmt.test(line);
      if (expected) logfmt++;
      assert.equal(isLogfmtLine(line), expected, JSON.stringify(line));
    }
    assert.ok(logfmt > 100, 'the sample includes logfmt lines');
  });

  it('decides in linear time on long lines that nearly match', () => {
    const line = toByteString(`${'k=v '.repeat(5000)}k="unterminated`);
    const start = process.hrtime.bigint();
    assert.equal(detectLogFormat(line), 'unknown');
    assert.ok(process.hrtime.bigint() - start < 1_000_000_000n);
  });
});
