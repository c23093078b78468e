import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ansi, Colorizer, colorsEnabled, fnv1_32, labelColor } from './color.js';

describe('terminal colours', () => {
  it('are on only for a terminal, without NO_COLOR and with a capable TERM', () => {
    assert.equal(colorsEnabled(true, {}), true);
    assert.equal(colorsEnabled(false, {}), false);
    assert.equal(colorsEnabled(true, { NO_COLOR: '1' }), false);
    assert.equal(colorsEnabled(true, { NO_COLOR: '' }), true);
    assert.equal(colorsEnabled(true, { TERM: 'dumb' }), false);
  });

  it('wrap text in SGR codes, bold with its own reset', () => {
    const on = new Colorizer(true);
    assert.equal(on.red('x'), '\x1b[31mx\x1b[0m');
    assert.equal(on.blue('x'), '\x1b[34mx\x1b[0m');
    assert.equal(on.bold('x'), '\x1b[1mx\x1b[22m');
    assert.equal(new Colorizer(false).red('x'), 'x');
  });

  it('pick a label colour from the FNV-1 hash of the labels', () => {
    assert.equal(fnv1_32(''), 0x811c9dc5);
    assert.equal(fnv1_32('a'), 0x050c5d7e);
    assert.equal(fnv1_32('foobar'), 0x31f0b262);
    assert.equal(labelColor('{app="loki", type="test"}'), labelColor('{app="loki", type="test"}'));
    assert.ok((Object.values(Ansi) as number[]).includes(labelColor('{a="b"}')));
  });
});
