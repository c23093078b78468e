import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CommandLineExit, ConfigError } from './errors.js';
import { type LoadedConfig, loadConfig } from './load.js';
import { getPath } from './schema/walk.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixturesDir = join(here, 'testdata', 'load');
/** What Loki's Helm chart renders for the reference deployment (a copy of shared/helm-seed). */
const HELM_CONFIG = join(here, 'testdata', 'helm-loki-config.yaml');
const tmpRoot = mkdtempSync(join(tmpdir(), 'skald-config-'));
after(() => rmSync(tmpRoot, { recursive: true, force: true }));

/**
 * A fixture is a description followed by `-- name --` sections: `args` (one argument per line),
 * `env` (NAME=value lines), files to create (any name with a dot), and the expectation: `error`
 * (the exact message), `expect` (`path = JSON value` lines) and/or `warnings` (exact lines).
 */
interface Fixture {
  readonly name: string;
  readonly description: string;
  readonly sections: ReadonlyMap<string, string>;
}

function readFixture(file: string): Fixture {
  const sections = new Map<string, string>();
  let description = '';
  let current: string | null = null;
  for (const line of readFileSync(join(fixturesDir, file), 'utf8').split('\n')) {
    const header = /^-- (.+) --$/.exec(line);
    if (header) {
      current = header[1]!;
      sections.set(current, '');
    } else if (current === null) description += `${line} `;
    else sections.set(current, `${sections.get(current)}${line}\n`);
  }
  return { name: file, description: description.trim(), sections };
}

function lines(text: string | undefined): string[] {
  return (text ?? '').split('\n').filter((l) => l !== '');
}

function runFixture(fx: Fixture): void {
  const dir = mkdtempSync(join(tmpRoot, 'fx-'));
  for (const [name, body] of fx.sections) {
    if (!name.includes('.')) continue;
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  const env: NodeJS.ProcessEnv = {};
  for (const line of lines(fx.sections.get('env'))) {
    const eq = line.indexOf('=');
    env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  const load = () => loadConfig(lines(fx.sections.get('args')), env, { cwd: dir });
  const expectedError = fx.sections.get('error');
  if (expectedError !== undefined) {
    assert.throws(load, (err: unknown) => {
      assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
      assert.equal(err.message, expectedError.replace(/\n+$/, ''));
      return true;
    });
    return;
  }
  const loaded = load();
  for (const line of lines(fx.sections.get('expect'))) {
    const [path, json] = line.split(' = ') as [string, string];
    assert.deepEqual(getPath(loaded.config, path), JSON.parse(json), `${path} in ${fx.name}`);
  }
  if (fx.sections.has('warnings')) assert.deepEqual(loaded.warnings, lines(fx.sections.get('warnings')));
}

describe('config fixtures (testdata/load)', () => {
  for (const file of readdirSync(fixturesDir)
    .filter((f) => f.endsWith('.txt'))
    .sort()) {
    const fx = readFixture(file);
    test(`${file.replace(/\.txt$/, '')}: ${fx.description}`, () => runFixture(fx));
  }
});

describe('reference configurations', () => {
  test("the Helm chart's rendered Loki config loads, and its values come through in ms and bytes", () => {
    const { config, warnings } = loadConfig([`-config.file=${HELM_CONFIG}`, '-target=write'], {});
    assert.equal(config.auth_enabled, true);
    assert.deepEqual(config.target, ['write']);
    assert.equal(config.limits_config.per_stream_rate_limit, 512 * 1024 * 1024);
    assert.equal(config.limits_config.per_stream_rate_limit_burst, 1024 * 1024 * 1024);
    assert.equal(config.limits_config.query_timeout, 300_000);
    assert.equal(config.limits_config.reject_old_samples_max_age, 168 * 3_600_000);
    assert.equal(config.limits_config.split_queries_by_interval, 15 * 60_000);
    assert.equal(config.server.http_server_read_timeout, 600_000);
    assert.equal(config.chunk_store_config.chunk_cache_config.background.writeback_size_limit, 500 * 1024 * 1024);
    assert.equal(config.chunk_store_config.chunk_cache_config.memcached_client.timeout, 2000);
    const [period] = config.schema_config.configs;
    assert.equal(period?.from, '2024-01-01');
    assert.equal(period?.store, 'tsdb');
    assert.equal(period?.object_store, 's3');
    assert.equal(period?.index.period, 86_400_000);
    assert.equal(period?.index.prefix, 'loki_index_');
    // common.storage.s3 reaches the chunk store and the ruler; path_prefix the directories.
    assert.equal(config.storage_config.aws.bucketnames, 'xxx-loki-chunks');
    assert.equal(config.storage_config.aws.endpoint, 'oss-cn-beijing-internal.aliyuncs.com');
    assert.equal(config.ruler.storage.s3.bucketnames, 'xxx-loki-ruler');
    assert.equal(config.storage_config.tsdb_shipper.active_index_directory, '/var/loki/tsdb-shipper-active');
    assert.equal(config.ingester.wal.dir, '/var/loki/wal');
    assert.equal(config.ingester.lifecycler.ring.kvstore.store, 'memberlist');
    assert.deepEqual(config.memberlist.join_members, ['loki-memberlist']);
    // The chunk and results caches on memcached, found through DNS SRV records, are acted on.
    assert.equal(config.chunk_store_config.chunk_cache_config.memcached_client.max_idle_conns, 72);
    assert.ok(!warnings.some((w) => w.includes('memcached_client')), warnings.join('\n'));
  });

  test("the Helm chart's rendered config loads for read, write and backend, its caches all acted on", () => {
    for (const target of ['read', 'write', 'backend']) {
      const { config, warnings } = loadConfig([`-config.file=${HELM_CONFIG}`, `-target=${target}`], {});
      assert.deepEqual(config.target, [target]);
      const chunks = config.chunk_store_config.chunk_cache_config;
      assert.equal(chunks.memcached_client.addresses, 'dnssrvnoa+_memcached-client._tcp.loki-chunks-cache.loki.svc');
      assert.equal(chunks.background.writeback_buffer, 500_000);
      const results = config.query_range.results_cache.cache;
      assert.equal(results.memcached_client.addresses, 'dnssrvnoa+_memcached-client._tcp.loki-results-cache.loki.svc');
      assert.equal(results.memcached_client.update_interval, 60_000);
      // What is still reported is unrelated to caching (hedging, index gateway addresses).
      const cacheWarnings = warnings.filter((w) => /cache|memcache/.test(w));
      assert.deepEqual(cacheWarnings, [], `${target}: ${warnings.join('\n')}`);
    }
  });

  test("Loki's own loki-local-config.yaml loads unchanged", () => {
    const loaded = loadLokiLocalConfig();
    assert.equal(loaded.config.auth_enabled, false);
    assert.equal(loaded.config.server.grpc_listen_port, 9096);
    assert.equal(loaded.config.server.log_level, 'debug');
    assert.equal(loaded.config.common.ring.kvstore.store, 'inmemory');
    assert.equal(loaded.config.storage_config.filesystem.directory, '/tmp/loki/chunks');
    assert.equal(loaded.config.ruler.storage.local.directory, '/tmp/loki/rules');
    assert.equal(loaded.config.query_range.results_cache.cache.embedded_cache.max_size_mb, 100);
    assert.equal(loaded.config.schema_config.configs[0]?.from, '2020-10-24');
  });
});

describe('command line', () => {
  test('without -config.file and without config.yaml the built-in local defaults are used', () => {
    const dir = mkdtempSync(join(tmpRoot, 'empty-'));
    const { config, configFile, warnings } = loadConfig([], {}, { cwd: dir });
    assert.equal(configFile, null);
    assert.deepEqual(warnings, []);
    assert.equal(config.auth_enabled, false);
    assert.equal(config.server.http_listen_port, 3100);
    assert.equal(config.common.path_prefix, './data');
    assert.equal(config.common.replication_factor, 1);
    assert.equal(config.ingester.wal.dir, './data/wal');
    assert.equal(config.storage_config.filesystem.directory, './data/chunks');
    assert.equal(config.ruler.storage.type, 'local');
    assert.equal(config.ruler.storage.local.directory, './data/rules');
    assert.equal(config.storage_config.tsdb_shipper.active_index_directory, './data/tsdb-shipper-active');
    assert.equal(config.compactor.working_directory, './data/compactor');
    assert.equal(config.ingester.lifecycler.ring.kvstore.store, 'inmemory');
    assert.equal(config.schema_config.configs[0]?.schema, 'v13');
    assert.equal(config.schema_config.configs[0]?.store, 'tsdb');
  });

  test('flags apply on top of the built-in local defaults', () => {
    const dir = mkdtempSync(join(tmpRoot, 'empty-'));
    const { config } = loadConfig(
      ['-server.http-listen-port', '4100', '-auth.enabled', '-log.format=json'],
      {},
      { cwd: dir },
    );
    assert.equal(config.server.http_listen_port, 4100);
    assert.equal(config.auth_enabled, true);
    assert.equal(config.server.log_format, 'json');
  });

  test('-help prints usage to stdout and exits with code 2, as Loki does', () => {
    for (const arg of ['-help', '-h', '--help']) {
      assert.throws(
        () => loadConfig([arg], {}),
        (err: unknown) =>
          err instanceof CommandLineExit &&
          err.exitCode === 2 &&
          err.stream === 'stdout' &&
          err.output.includes('-config.file string') &&
          err.output.includes('-server.http-listen-port int'),
      );
    }
  });

  test('-version is answered before anything else is parsed', () => {
    assert.throws(
      () => loadConfig(['-no-such-flag', '--version'], {}),
      (err: unknown) => err instanceof CommandLineExit && err.exitCode === 0 && /^skald, version /.test(err.output),
    );
  });

  test("an unknown flag fails with Go's message and the -help hint, exit code 2", () => {
    assert.throws(
      () => loadConfig(['-foo'], {}),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.kind === 'flags' &&
        err.exitCode === 2 &&
        err.message === 'flag provided but not defined: -foo\nRun with -help to get list of available parameters',
    );
  });

  test("a bad flag value fails with Go's wording", () => {
    assert.throws(() => loadConfig(['-server.http-listen-port=http'], {}), {
      message: /^invalid value "http" for flag -server.http-listen-port: parse error\n/,
    });
    assert.throws(() => loadConfig(['-ingester.max-chunk-age', '1d'], {}), {
      message: /^invalid value "1d" for flag -ingester.max-chunk-age: parse error\n/,
    });
    assert.throws(() => loadConfig(['-validation.reject-old-samples.max-age=1x'], {}), {
      message:
        /^invalid value "1x" for flag -validation.reject-old-samples.max-age: unknown unit "x" in duration "1x"\n/,
    });
  });

  test('wrapper flags are reported to the caller', () => {
    const dir = mkdtempSync(join(tmpRoot, 'empty-'));
    const loaded: LoadedConfig = loadConfig(
      ['-print-config-stderr', '-log-config-reverse-order', '-verify-config', '-list-targets'],
      {},
      { cwd: dir },
    );
    assert.equal(loaded.printConfig, true);
    assert.equal(loaded.logConfig, true);
    assert.equal(loaded.verifyConfig, true);
    assert.equal(loaded.listTargets, true);
    assert.equal(loadConfig(['-config.verify'], {}, { cwd: dir }).verifyConfig, true);
  });

  test('explicitly set keys are recorded, from the file and from flags', () => {
    const loaded = loadConfig([`-config.file=${HELM_CONFIG}`, '-ingester.chunk-encoding=snappy'], {});
    assert.ok(loaded.explicitPaths.has('limits_config.per_stream_rate_limit'));
    assert.ok(loaded.explicitPaths.has('ingester.chunk_encoding'));
    assert.ok(!loaded.explicitPaths.has('ingester.wal.dir'));
  });
});

function loadLokiLocalConfig(): LoadedConfig {
  const dir = mkdtempSync(join(tmpRoot, 'local-'));
  writeFileSync(join(dir, 'loki-local-config.yaml'), LOKI_LOCAL_CONFIG);
  return loadConfig(['-config.file=loki-local-config.yaml'], {}, { cwd: dir });
}

/** cmd/loki/loki-local-config.yaml as Loki 3.x ships it. */
const LOKI_LOCAL_CONFIG = readFileSync(join(here, 'testdata', 'loki-local-config.yaml'), 'utf8');
