import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FlagError, FlagSet, HelpRequested } from './flagset.js';

function flagSet(): { flags: FlagSet; seen: string[] } {
  const seen: string[] = [];
  const flags = new FlagSet('test');
  flags.define({
    name: 'x',
    usage: 'a number',
    typeName: 'int',
    defValue: '0',
    isBool: false,
    set: (v) => {
      if (!/^\d+$/.test(v)) throw new Error('parse error');
      seen.push(`x=${v}`);
    },
  });
  flags.define({
    name: 'b',
    usage: 'a switch',
    typeName: '',
    defValue: 'false',
    isBool: true,
    set: (v) => {
      if (!['true', 'false', '1', '0'].includes(v)) throw new Error('parse error');
      seen.push(`b=${v}`);
    },
  });
  return { flags, seen };
}

describe("Go's flag syntax", () => {
  test('-x=1, -x 1, --x=1 and --x 1 all set the flag', () => {
    for (const args of [['-x=1'], ['-x', '1'], ['--x=1'], ['--x', '1']]) {
      const { flags, seen } = flagSet();
      assert.deepEqual(flags.parse(args), []);
      assert.deepEqual(seen, ['x=1']);
    }
  });

  test('a value may itself start with a dash', () => {
    const { flags, seen } = flagSet();
    assert.throws(() => flags.parse(['-x', '-1']), { message: 'invalid value "-1" for flag -x: parse error' });
    assert.deepEqual(seen, []);
  });

  test('boolean flags need no value; -b=false sets false; -b false stops at "false"', () => {
    const { flags, seen } = flagSet();
    assert.deepEqual(flags.parse(['-b', '-b=false', '-b', 'false', '-x=2']), ['false', '-x=2']);
    assert.deepEqual(seen, ['b=true', 'b=false', 'b=true']);
  });

  test('parsing stops at the first non-flag argument, at "-" and after "--"', () => {
    assert.deepEqual(flagSet().flags.parse(['-x=1', 'serve', '-b']), ['serve', '-b']);
    assert.deepEqual(flagSet().flags.parse(['-', '-b']), ['-', '-b']);
    assert.deepEqual(flagSet().flags.parse(['--', '-b']), ['-b']);
  });

  test("mistakes produce Go's messages", () => {
    const { flags } = flagSet();
    assert.throws(() => flags.parse(['-foo']), new FlagError('flag provided but not defined: -foo'));
    assert.throws(() => flags.parse(['--foo=1']), { message: 'flag provided but not defined: -foo' });
    assert.throws(() => flags.parse(['-x']), { message: 'flag needs an argument: -x' });
    assert.throws(() => flags.parse(['-x=abc']), { message: 'invalid value "abc" for flag -x: parse error' });
    assert.throws(() => flags.parse(['-b=maybe']), { message: 'invalid boolean value "maybe" for -b: parse error' });
    assert.throws(() => flags.parse(['---x']), { message: 'bad flag syntax: ---x' });
    assert.throws(() => flags.parse(['-=1']), { message: 'bad flag syntax: -=1' });
  });

  test('-h, -help and --help ask for usage unless defined as flags', () => {
    for (const arg of ['-h', '-help', '--help', '-help=1']) {
      assert.throws(() => flagSet().flags.parse([arg]), HelpRequested);
    }
  });

  test("usage lists flags sorted, in Go's PrintDefaults layout", () => {
    assert.equal(flagSet().flags.usage(), 'Usage of test:\n  -b\ta switch\n  -x int\n    \ta number\n');
  });
});
