import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CommandLine, parseCommandLine } from './program.js';
import { UsageError } from './values.js';

function parse(...argv: string[]): CommandLine {
  const r = parseCommandLine(argv, 'test-version');
  assert.ok('command' in r, 'expected a command');
  return r;
}

function usageError(...argv: string[]): string {
  try {
    parseCommandLine(argv, 'v');
  } catch (err) {
    assert.ok(err instanceof UsageError, String(err));
    return err.message;
  }
  assert.fail('expected a usage error');
}

describe('the skald query command line', () => {
  it('reads GNU-style flags in either form, before or after the command', () => {
    const r = parse('-q', 'query', '{a="b"}', '--limit=5', '--since', '2h', '-o', 'raw', '--addr=http://x:1');
    assert.equal(r.command, 'query');
    assert.deepEqual(r.args, ['{a="b"}']);
    assert.equal(r.options.limit, '5');
    assert.equal(r.options.since, '2h');
    assert.equal(r.options.output, 'raw');
    assert.equal(r.options.quiet, true);
    assert.equal(r.options.addr, 'http://x:1');
  });

  it('reads short flags, combined short flags and attached values', () => {
    const r = parse('query', '{a="b"}', '-qt', '-ojsonl', '-z', 'UTC');
    assert.equal(r.options.quiet, true);
    assert.equal(r.options.tail, true);
    assert.equal(r.options.output, 'jsonl');
    assert.equal(r.options.timezone, 'UTC');
  });

  it('collects repeated flags', () => {
    const r = parse('query', 'x', '--exclude-label', 'a', '--exclude-label=b', '--header', 'A: 1', '--header', 'B: 2');
    assert.deepEqual(r.options.excludeLabel, ['a', 'b']);
    assert.deepEqual(r.options.header, ['A: 1', 'B: 2']);
  });

  it('accepts --flag=true and --flag=false for boolean flags', () => {
    assert.equal(parse('query', 'x', '--forward=true').options.forward, true);
    assert.equal(parse('query', 'x', '--forward=false').options.forward, undefined);
    assert.equal(parse('query', 'x', '--no-labels').options.labels, false);
  });

  it('knows every logcli command', () => {
    assert.equal(parse('instant-query', 'x', '--now', '2024-01-01T00:00:00Z').options.now, '2024-01-01T00:00:00Z');
    assert.deepEqual(parse('labels').args, []);
    assert.deepEqual(parse('labels', 'job').args, ['job']);
    assert.equal(parse('series', '{}', '--analyze-labels').options.analyzeLabels, true);
    assert.equal(parse('fmt').command, 'fmt');
    assert.equal(parse('stats', '{a="b"}').command, 'stats');
    assert.deepEqual(parse('volume', '{a="b"}', '--targetLabels', 'a', '--targetLabels', 'b').options.targetLabels, [
      'a',
      'b',
    ]);
    assert.equal(
      parse('volume_range', '{a="b"}', '--step', '5m', '--aggregateByLabels').options.aggregateByLabels,
      true,
    );
    assert.deepEqual(parse('detected-fields', '{a="b"}', 'status').args, ['{a="b"}', 'status']);
    assert.equal(parse('delete', 'create', '{a="b"}', '--max-interval', '1h').command, 'delete create');
    assert.equal(parse('delete', 'list').command, 'delete list');
    assert.equal(parse('delete', 'cancel', '--request-id', 'abc', '--force').options.requestId, 'abc');
  });

  it('words errors as logcli does', () => {
    assert.equal(usageError('query'), "required argument 'query' not provided");
    assert.equal(usageError('query', 'x', '--bogus'), "unknown long flag '--bogus'");
    assert.equal(usageError('query', 'x', '-Y'), "unknown short flag '-Y'");
    assert.equal(usageError('query', 'x', '--limit'), "expected argument for flag '--limit'");
    assert.equal(usageError('nope'), 'expected command but got "nope"');
    assert.equal(usageError(), 'command not specified');
    assert.equal(usageError('delete'), "must select a subcommand of 'delete'");
    assert.equal(usageError('delete', 'cancel'), 'required flag(s) --request-id not provided');
    assert.equal(usageError('series', 'a', 'b'), "unexpected argument 'b'");
  });

  it('answers --help and --version with text for stdout', () => {
    const help = parseCommandLine(['--help'], 'v');
    assert.ok('output' in help && help.output.includes('Usage: skald query'));
    const queryHelp = parseCommandLine(['query', '--help'], 'v');
    assert.ok('output' in queryHelp && queryHelp.output.includes('--parallel-max-workers'));
    assert.deepEqual(parseCommandLine(['--version'], 'skald 1.2.3'), { output: 'skald 1.2.3\n' });
  });
});
