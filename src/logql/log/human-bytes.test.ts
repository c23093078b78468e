import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHumanBytes } from './human-bytes.js';

describe('parseHumanBytes', () => {
  it('parses SI and IEC units, case-insensitively, with optional space', () => {
    const cases: Array<[string, number]> = [
      ['42', 42],
      ['42B', 42],
      ['42kB', 42_000],
      ['42KB', 42_000],
      ['42 MB', 42_000_000],
      ['42KiB', 42 * 1024],
      ['1.5 mib', 1.5 * 1024 * 1024],
      ['42PiB', 42 * 1024 ** 5],
      ['1,024 k', 1_024_000],
      ['2.5K', 2500],
    ];
    for (const [input, want] of cases) assert.equal(parseHumanBytes(input), want, input);
  });

  it('reports unknown units and non-numbers as go-humanize does', () => {
    assert.equal(parseHumanBytes('2qb'), 'unhandled size name: qb');
    assert.equal(parseHumanBytes('MB'), 'strconv.ParseFloat: parsing "": invalid syntax');
    assert.equal(parseHumanBytes('-1MB'), 'strconv.ParseFloat: parsing "": invalid syntax');
  });
});
