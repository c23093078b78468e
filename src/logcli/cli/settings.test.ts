import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FatalError } from '../io.js';
import { parseCommandLine } from './program.js';
import { globalSettings, NS_PER_HOUR, OptionReader, timeFlag, timeRange } from './settings.js';
import { UsageError } from './values.js';

function reader(argv: string[], env: NodeJS.ProcessEnv = {}): OptionReader {
  const r = parseCommandLine(argv, 'v');
  assert.ok('command' in r);
  return new OptionReader(r.options, env);
}

describe('command settings', () => {
  it("use logcli's defaults", () => {
    const g = globalSettings(reader(['labels']));
    assert.equal(g.client.address, 'http://localhost:3100');
    assert.equal(g.client.authHeader, 'Authorization');
    assert.equal(g.client.retries, 0);
    assert.equal(g.output, 'default');
    assert.equal(g.timezone, 'Local');
    assert.equal(g.timestampFormat, 'rfc3339');
    assert.equal(g.quiet, false);
  });

  it('take LOKI_* environment variables when the flag is absent', () => {
    const env = {
      LOKI_ADDR: 'http://env:3100',
      LOKI_ORG_ID: 'tenant-1',
      LOKI_NO_CACHE: 'true',
      LOKI_CLIENT_RETRIES: '3',
      LOKI_BEARER_TOKEN: 'tok',
      LOKI_TLS_SKIP_VERIFY: '1',
    };
    const g = globalSettings(reader(['labels'], env));
    assert.equal(g.client.address, 'http://env:3100');
    assert.equal(g.client.orgId, 'tenant-1');
    assert.equal(g.client.noCache, true);
    assert.equal(g.client.retries, 3);
    assert.equal(g.client.bearerToken, 'tok');
    assert.equal(g.client.tls.insecureSkipVerify, true);
    assert.equal(globalSettings(reader(['--addr=http://flag:1', 'labels'], env)).client.address, 'http://flag:1');
  });

  it('read integers as kingpin does, through a float', () => {
    assert.equal(reader(['query', 'x', '--limit=2.9']).int('limit', 30), 2);
    assert.equal(reader(['query', 'x', '--limit=1e3']).int('limit', 30), 1000);
    assert.throws(
      () => reader(['query', 'x', '--limit=ten']).int('limit', 30),
      /strconv.ParseFloat: parsing "ten": invalid syntax/,
    );
  });

  it('check enums and durations', () => {
    assert.throws(
      () => globalSettings(reader(['-o', 'xml', 'labels'])),
      /enum value must be one of default,raw,jsonl, got 'xml'/,
    );
    assert.throws(
      () => reader(['query', 'x', '--since', '1d']).duration('since', 0n),
      /time: unknown unit "d" in duration "1d"/,
    );
    assert.equal(reader(['query', 'x', '--since', '1h30m']).duration('since', 0n), 5_400_000_000_000n);
  });

  it('refuse the flags that read storage directly', () => {
    assert.throws(() => globalSettings(reader(['--stdin', 'labels'])), UsageError);
    assert.throws(
      () => globalSettings(reader(['query', 'x', '--store-config', 'loki.yaml'])),
      /--store-config is not supported/,
    );
  });

  it('default the range to the last --since before now', () => {
    const now = 10n * NS_PER_HOUR;
    assert.deepEqual(timeRange(reader(['labels']), now), { startNs: 9n * NS_PER_HOUR, endNs: now });
    assert.deepEqual(timeRange(reader(['labels', '--since', '2h']), now), { startNs: 8n * NS_PER_HOUR, endNs: now });
    assert.deepEqual(timeRange(reader(['labels', '--from', '1970-01-01T01:00:00Z']), now), {
      startNs: NS_PER_HOUR,
      endNs: now,
    });
  });

  it('fail like log.Fatal on a time that does not parse', () => {
    assert.throws(
      () => timeFlag('2024-01-01', 0n),
      (err: unknown) =>
        err instanceof FatalError &&
        err.message ===
          'Unable to parse time parsing time "2024-01-01" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse "" as "T"',
    );
  });
});
