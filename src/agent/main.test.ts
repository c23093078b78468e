import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAgent } from './main.js';

describe('skald agent command line', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'skald-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the command line; an agent that starts is stopped at once (as by SIGTERM). */
  async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const stop = new AbortController();
    stop.abort();
    const code = await runAgent(args, env, {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      signal: stop.signal,
    });
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  function configFile(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  it('prints its version', async () => {
    const r = await run(['-version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^skald agent, version /);
  });

  it('prints usage for -help with exit code 2', async () => {
    const r = await run(['-help']);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /-config\.file string/);
    assert.match(r.stdout, /-server\.http-listen-port int/);
    assert.match(r.stdout, /-dry-run/);
  });

  it('refuses an unknown flag the way Go does', async () => {
    const r = await run(['-bogus=1']);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'flag provided but not defined: -bogus\nRun with -help to get list of available parameters\n',
    );
  });

  it('refuses a malformed flag value', async () => {
    const r = await run(['--server.http-listen-port', 'eighty']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /invalid value "eighty" for flag -server\.http-listen-port: parse error/);
  });

  it('checks the syntax of a config file', async () => {
    const good = configFile('good.yaml', 'clients:\n  - url: http://localhost/loki/api/v1/push\n');
    assert.deepEqual(await run([`-config.file=${good}`, '-check-syntax']), {
      code: 0,
      stdout: 'Valid config file! No syntax issues found\n',
      stderr: '',
    });
    const bad = configFile('bad.yaml', 'clients:\n  - url: http://localhost\nscrape_config: []\n');
    const r = await run([`-config.file=${bad}`, '-check-syntax']);
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /^Unable to parse config: .*bad\.yaml: yaml: unmarshal errors:\n {2}line 3: field scrape_config not found in type main\.Config/,
    );
  });

  it('expands environment variables with -config.expand-env and prints the config', async () => {
    const file = configFile(
      'env.yaml',
      `clients:\n  - url: \${LOKI:-http://fallback/loki/api/v1/push}\n    batchwait: 2s\n`,
    );
    const args = [`-config.file=${file}`, '-print-config-stderr', '-server.disable', '-log.level=error'];
    const expanded = await run([...args, '-config.expand-env=true'], { LOKI: 'http://from-env:3100/loki/api/v1/push' });
    assert.equal(expanded.code, 0);
    assert.match(expanded.stderr, /^---\n# Skald Agent Config\n/);
    assert.match(expanded.stderr, /url: http:\/\/from-env:3100\/loki\/api\/v1\/push/);
    assert.match(expanded.stderr, /batchwait: 2s/);
    const fallback = await run([...args, '-config.expand-env']);
    assert.match(fallback.stderr, /url: http:\/\/fallback\/loki\/api\/v1\/push/);
  });

  it('fails to start without any client', async () => {
    const file = configFile('noclient.yaml', 'server:\n  disable: true\n');
    const r = await run([`-config.file=${file}`, '-log.level=error']);
    assert.equal(r.code, 1);
  });
});
