import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogfmtScanner, SCAN_END, SCAN_ERROR, SCAN_PAIR, type ScanResult } from './logfmt-scanner.js';

function scan(line: string): Array<[string, string] | 'error'> {
  const scanner = new LogfmtScanner();
  scanner.reset(line);
  const out: Array<[string, string] | 'error'> = [];
  while (!scanner.atEnd()) {
    const r: ScanResult = scanner.next();
    if (r === SCAN_END) break;
    if (r === SCAN_ERROR) {
      out.push('error');
      break;
    }
    assert.equal(r, SCAN_PAIR);
    out.push([scanner.key, scanner.value]);
  }
  return out;
}

describe('logfmt scanner', () => {
  it('reads pairs, bare keys and empty values, skipping any whitespace between them', () => {
    assert.deepEqual(scan('  a=1\tb= c  d="x y"   '), [
      ['a', '1'],
      ['b', ''],
      ['c', ''],
      ['d', 'x y'],
    ]);
  });

  it('stops with an error at a stray quote or equals sign', () => {
    assert.deepEqual(scan('a=1 b"c=2'), [['a', '1'], 'error']);
    assert.deepEqual(scan('a=1=2'), ['error']);
    assert.deepEqual(scan('a=x"y'), ['error']);
  });

  it('reports an unterminated quoted value as an error', () => {
    assert.deepEqual(scan('a="open'), ['error']);
  });

  it('rejects keys holding invalid UTF-8', () => {
    assert.deepEqual(scan('k\xff=1'), ['error']);
    assert.deepEqual(scan('k\xc3\xa9=1'), [['k\xc3\xa9', '1']]);
  });

  it('keeps an escaped quote inside a quoted value', () => {
    assert.deepEqual(scan('msg="say \\"hi\\"" n=1'), [
      ['msg', 'say "hi"'],
      ['n', '1'],
    ]);
  });
});
