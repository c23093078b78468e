import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { equalFold, LogfmtFieldFinder } from './field-detection-logfmt.js';

function find(line: string, keys: string[]): string | null {
  const f = new LogfmtFieldFinder(keys);
  const buf = Buffer.from(line);
  return f.find(buf) ? f.valueText(buf) : null;
}

describe('finding a field of a logfmt line', () => {
  const cases: Array<[string, string, string[], string | null]> = [
    ['a bare value', 'foo=bar level=warn', ['level'], 'warn'],
    ['a quoted value', 'msg="x y" level="warn now"', ['level'], 'warn now'],
    ['a key in any case', 'FOO=bar LEVEL=inFO', ['level'], 'inFO'],
    ['the first listed key wins wherever it is', 'severity=critical msg=x level=debug', ['level', 'severity'], 'debug'],
    ['a later-listed key when the first is absent', 'Foo=bar Severity=critical', ['level', 'severity'], 'critical'],
    ['the first occurrence of the same key', 'level=info level=error', ['level'], 'info'],
    ['an empty value', 'level= msg=x', ['level'], ''],
    ['an empty quoted value', 'level="" msg=x', ['level'], ''],
    ['a key without =', 'level msg=x', ['level'], ''],
    ['a key at the end without =', 'msg=x level', ['level'], ''],
    ['escapes decoded', 'level="w\\u0061rn\\t\\"x\\""', ['level'], 'warn\t"x"'],
    ['a surrogate pair', 'k="\\ud83d\\ude00"', ['k'], '😀'],
    ['a lone surrogate as U+FFFD', 'k="\\ud83d"', ['k'], '\ufffd'],
    ['nothing when absent', 'foo=bar', ['level'], null],
    ['control bytes and blanks between pairs', '\t a=1 \x01 level=warn', ['level'], 'warn'],
    ['a dotted key', 'log.level=error', ['log.level'], 'error'],
    ['a long s folds to s, as Go folds it', 'ſeverity=error', ['severity'], 'error'],
    ['a Kelvin sign folds to k', '\u212aey=v', ['key'], 'v'],
  ];
  for (const [name, line, keys, want] of cases) it(name, () => assert.equal(find(line, keys), want));
});

describe('where the logfmt scan stops, as Loki decoder does', () => {
  const cases: Array<[string, string, string | null]> = [
    ['an unterminated quote', 'msg="never closed level=warn', null],
    ['a quote inside a key', 'ms"g=1 level=warn', null],
    ['a quote inside a bare value', 'msg=a"b level=warn', null],
    ['an = inside a bare value', 'msg=a=b level=warn', null],
    ['a pair starting with =', '=x level=warn', null],
    ['an invalid escape', 'msg="\\q" level=warn', null],
    ['a key that is not UTF-8', 'l\xffx=1 level=warn', null],
  ];
  for (const [name, line, want] of cases) {
    it(`stops at ${name}`, () => {
      const f = new LogfmtFieldFinder(['level']);
      const buf = Buffer.from(line, line.includes('\xff') ? 'latin1' : 'utf8');
      assert.equal(f.find(buf) ? f.valueText(buf) : null, want);
    });
  }
  it('keeps what it found before the error', () => {
    assert.equal(find('level=warn msg="never closed', ['level']), 'warn');
    assert.equal(find('severity=warn msg="never closed level=info', ['level', 'severity']), 'warn');
  });
});

describe('Unicode case folding of keys', () => {
  const cases: Array<[string, string, boolean]> = [
    ['level', 'LEVEL', true],
    ['Level', 'level', true],
    ['ſ', 's', true],
    ['ſ', 'S', true],
    ['\u212a', 'k', true],
    ['İ', 'i', false],
    ['level', 'levels', false],
    ['é', 'É', true],
  ];
  for (const [a, b, want] of cases) it(`${a} ~ ${b}: ${want}`, () => assert.equal(equalFold(a, b), want));
});
