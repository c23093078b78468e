import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CanaryCommandLine, parseCanaryCommandLine } from './flags.js';
import { type CanaryOptions, DEFAULT_CANARY_OPTIONS } from './options.js';

function run(args: string[], env: NodeJS.ProcessEnv = {}): CanaryOptions {
  const parsed = parseCanaryCommandLine(args, env);
  assert.equal(parsed.action, 'run', parsed.action === 'exit' ? parsed.stderr : '');
  return (parsed as Extract<CanaryCommandLine, { action: 'run' }>).options;
}

function exit(args: string[], env: NodeJS.ProcessEnv = {}) {
  const parsed = parseCanaryCommandLine(args, env);
  assert.equal(parsed.action, 'exit');
  return parsed as Extract<CanaryCommandLine, { action: 'exit' }>;
}

describe('canary command line', () => {
  it("has loki-canary's defaults, the stream value being stdout", () => {
    assert.deepEqual(run(['-addr=loki:3100']), { ...DEFAULT_CANARY_OPTIONS, addr: 'loki:3100', streamValue: 'stdout' });
    assert.equal(DEFAULT_CANARY_OPTIONS.intervalMs, 1000);
    assert.equal(DEFAULT_CANARY_OPTIONS.maxWaitMs, 300_000);
    assert.equal(DEFAULT_CANARY_OPTIONS.port, 3500);
  });

  it('labels the stream "push" in push mode unless -streamvalue says otherwise', () => {
    assert.equal(run(['-addr=l:1', '-push']).streamValue, 'push');
    assert.equal(run(['-addr=l:1', '-push=true', '-streamvalue', 'mine']).streamValue, 'mine');
  });

  it('reads Go durations, ints and booleans in every Go flag spelling', () => {
    const o = run([
      '--addr',
      'l:1',
      '-interval=250ms',
      '-wait',
      '1m30s',
      '-size=0x100',
      '-tls=T',
      '-insecure',
      '-query-append=| json',
      '-labels=a=b',
    ]);
    assert.equal(o.intervalMs, 250);
    assert.equal(o.waitMs, 90_000);
    assert.equal(o.size, 256);
    assert.equal(o.useTls, true);
    assert.equal(o.insecureSkipVerify, true);
    assert.equal(o.queryAppend, '| json');
    assert.equal(o.labels, 'a=b');
  });

  it('takes the address from LOKI_ADDRESS when -addr is not given', () => {
    assert.equal(run([], { LOKI_ADDRESS: 'from-env:3100' }).addr, 'from-env:3100');
    assert.equal(run(['-addr=flag:1'], { LOKI_ADDRESS: 'from-env:3100' }).addr, 'flag:1');
  });

  it('exits 1 with loki-canary’s message without an address', () => {
    const e = exit([]);
    assert.equal(e.exitCode, 1);
    assert.equal(e.stderr, 'Must specify a Loki address with -addr or set the environment variable LOKI_ADDRESS\n');
  });

  it('prints the version and exits 0, before any other check', () => {
    const e = exit(['-version']);
    assert.equal(e.exitCode, 0);
    assert.match(e.stdout, /^skald canary, version \S+ \(branch: /);
  });

  it('prints usage for -help and exits 0', () => {
    const e = exit(['-help']);
    assert.equal(e.exitCode, 0);
    assert.match(e.stderr, /^Usage of skald canary:\n/);
    assert.match(e.stderr, /\n {2}-interval duration\n {4}\tDuration between log entries \(default 1s\)\n/);
    assert.match(e.stderr, /\n {2}-labelname string\n {4}\t.* \(default "name"\)\n/);
    // A back-quoted word names the argument, as Go's flag.UnquoteUsage does.
    assert.match(e.stderr, /\n {2}-query-append \{\{\.log\}\}\n {4}\t.*line_format \{\{\.log\}\}'\n/);
    assert.match(e.stderr, /\n {2}-push\n {4}\tPush the logs directly to given Loki address\n/);
  });

  it('exits 2 on flags loki-canary does not have, or bad values, with usage', () => {
    const unknown = exit(['-addr=l:1', '-websocket-ping-interval=5s']);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /^flag provided but not defined: -websocket-ping-interval\nUsage of skald canary:\n/);
    assert.match(exit(['-interval=soon']).stderr, /^invalid value "soon" for flag -interval: parse error\n/);
    assert.match(exit(['-size=big']).stderr, /^invalid value "big" for flag -size: parse error\n/);
    assert.match(exit(['-push=maybe']).stderr, /^invalid boolean value "maybe" for -push: parse error\n/);
    assert.match(exit(['-addr']).stderr, /^flag needs an argument: -addr\n/);
  });

  it('refuses settings loki-canary refuses, with its messages', () => {
    const cases: Array<[string[], string]> = [
      [['-out-of-order-percentage=101'], 'Out of order percentage must be between 0 and 100\n'],
      [
        ['-logs-batch-size=-1'],
        "-logs-batch-size must not be negative.  A value of '0' or '1' will disable batching entirely\n",
      ],
      [['-logs-batch-size-max=0'], '-logs-batch-size-max must not be <= 0\n'],
      [['-logs-batch-size=30'], '-logs-batch-size must not be more than -logs-batch-size-max\n'],
      [['-ca-file=/etc/ca.pem'], 'Must set --tls when specifying client certs\n'],
      [['-interval=0s'], '-interval must be greater than 0\n'],
      [['-buckets=0'], '-buckets must be greater than 0\n'],
    ];
    for (const [args, message] of cases) {
      const e = exit(['-addr=l:1', ...args]);
      assert.equal(e.exitCode, 1, args.join(' '));
      assert.equal(e.stderr, message);
    }
  });
});
