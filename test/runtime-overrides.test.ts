// Per-tenant overrides from runtime_config.file change limits while the
// server runs: a change takes effect within one reload period, a broken file
// keeps the last good limits, and a broken file at start-up stops the server.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { get, pushJSON } from './helpers/loki-client.js';
import { metricValue } from './helpers/metrics.js';
import { baseConfig, ROOT, type SkaldProcess, startSkald } from './helpers/skald-process.js';

const PERIOD_MS = 1000;
const ns = () => String(BigInt(Date.now()) * 1_000_000n);
const overrides = (maxStreams: number) => `overrides:\n  team:\n    max_global_streams_per_user: ${maxStreams}\n`;

describe('runtime overrides', () => {
  let skald: SkaldProcess;
  let runtimeFile: string;
  let streamNo = 0;
  /** Pushes a new stream for tenant `team`; its status tells whether the stream limit allowed it. */
  const pushNewStream = async () =>
    (await pushJSON(skald.url, { streams: [{ stream: { n: String(streamNo++) }, values: [[ns(), 'x']] }] }, 'team'))
      .status;

  before(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'skald-runtime-'));
    runtimeFile = join(dataDir, 'runtime.yaml');
    await writeFile(runtimeFile, overrides(1));
    skald = await startSkald({
      dataDir,
      authEnabled: true,
      extraConfig: `runtime_config:\n  file: ${runtimeFile}\n  period: ${PERIOD_MS}ms\n`,
    });
  });
  after(async () => {
    await skald.stop();
    await skald.cleanup();
  });

  it('applies a changed limit within one period, without a restart', async () => {
    assert.equal(await pushNewStream(), 204);
    assert.equal(await pushNewStream(), 429, 'the second stream is over the limit of 1');

    await writeFile(runtimeFile, overrides(3));
    const changed = Date.now();
    let status = 429;
    while (status === 429 && Date.now() - changed < 5 * PERIOD_MS) {
      await new Promise((r) => setTimeout(r, 50));
      status = await pushNewStream();
    }
    const tookMs = Date.now() - changed;
    assert.equal(status, 204);
    assert.ok(tookMs <= PERIOD_MS + 300, `took ${tookMs} ms`);
    const shown = await get(skald.url, '/runtime_config', { mode: 'diff' });
    assert.equal(shown.text, 'overrides:\n  team:\n    max_global_streams_per_user: 3\n');
    assert.equal(await metricValue(skald.url, 'loki_runtime_config_last_reload_successful'), 1);
  });

  it('keeps the last good limits when the file becomes invalid', async () => {
    await writeFile(runtimeFile, 'overrides:\n  team:\n    max_global_streams_per_user: [not a number\n');
    await new Promise((r) => setTimeout(r, 2 * PERIOD_MS));
    assert.equal(await metricValue(skald.url, 'loki_runtime_config_last_reload_successful'), 0);
    assert.match(skald.logs(), /failed to load runtime config/);
    const shown = await get(skald.url, '/runtime_config', { mode: 'diff' });
    assert.equal(shown.text, 'overrides:\n  team:\n    max_global_streams_per_user: 3\n');
    assert.equal((await fetch(`${skald.url}/ready`)).status, 200);

    await writeFile(runtimeFile, overrides(3));
    await new Promise((r) => setTimeout(r, 2 * PERIOD_MS));
    assert.equal(await metricValue(skald.url, 'loki_runtime_config_last_reload_successful'), 1);
  });
});

describe('runtime overrides at start-up', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skald-runtime-start-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start with a runtime file naming an unknown limit', async () => {
    const runtimeFile = join(dir, 'runtime.yaml');
    await writeFile(runtimeFile, 'overrides:\n  team:\n    max_streams_per_tenant: 5\n');
    const configFile = join(dir, 'config.yaml');
    await writeFile(configFile, baseConfig(dir, { extraConfig: `runtime_config:\n  file: ${runtimeFile}\n` }));
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'bin', 'skald.js'), `-config.file=${configFile}`, '-server.http-listen-port=0'],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    assert.notEqual(r.status, 0);
    assert.match(r.stdout + r.stderr, /field max_streams_per_tenant not found in type validation\.plain/);
  });

  it('says so at /runtime_config when there is no runtime file', async () => {
    const skald = await startSkald({});
    try {
      const r = await get(skald.url, '/runtime_config');
      assert.equal(r.status, 200);
      assert.equal(r.text, "runtime config file doesn't exist");
    } finally {
      await skald.stop();
      await skald.cleanup();
    }
  });
});
