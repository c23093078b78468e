import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tabwrite } from './tabwriter.js';

const spaces = { minwidth: 0, tabwidth: 0, padding: 2, padchar: ' ' } as const;
const tabs = { minwidth: 0, tabwidth: 8, padding: 0, padchar: '\t' } as const;

describe("Go's tabwriter", () => {
  it('pads cells with spaces to the widest cell of their column plus padding', () => {
    assert.equal(tabwrite('a\tbb\tc\nccc\td\te\n', spaces), 'a    bb  c\nccc  d   e\n');
  });

  it('does not pad the last cell of a line', () => {
    assert.equal(tabwrite('x\tlong trailing text\nyy\tz\n', spaces), 'x   long trailing text\nyy  z\n');
  });

  it('rounds widths up to the tab width and pads with tabs', () => {
    // "key " is 4 wide: one tab reaches column 8; "a-longer-key " (13) needs one tab to reach 16.
    assert.equal(tabwrite('key \t 1\na-longer-key \t 2\n', tabs), 'key \t\t 1\na-longer-key \t 2\n');
  });

  it('writes no tab after the widest cell when its width is a multiple of the tab width', () => {
    assert.equal(tabwrite('1234567 \t x\n', tabs), '1234567  x\n');
  });

  it('starts a new column block after a line without tabs', () => {
    assert.equal(tabwrite('a\tb\nheading\nlonger\tc\n', spaces), 'a  b\nheading\nlonger  c\n');
  });

  it('keeps text after the last newline', () => {
    assert.equal(tabwrite('a\tb\nc', spaces), 'a  b\nc');
  });

  it('counts runes, not bytes', () => {
    assert.equal(tabwrite('é\tx\nab\ty\n', spaces), 'é   x\nab  y\n');
  });
});
