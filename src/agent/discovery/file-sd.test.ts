import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { eventually, recordingLogger } from '../test-support.js';
import { FileSdDiscoverer, parseFileSd } from './file-sd.js';
import { staticGroups } from './static.js';
import type { TargetGroup } from './target-group.js';

describe('static_configs', () => {
  it('gives a group without targets one localhost target, as Promtail does', () => {
    assert.deepEqual(staticGroups([{ targets: [], labels: { __path__: '/var/log/*.log', job: 'x' } }]), [
      { source: '0', labels: { __path__: '/var/log/*.log', job: 'x' }, targets: [{ __address__: 'localhost' }] },
    ]);
  });
});

describe('file_sd_configs', () => {
  let dir: string;
  let discoverer: FileSdDiscoverer | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skald-filesd-'));
  });
  afterEach(async () => {
    await discoverer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('parses JSON and YAML target files and adds __meta_filepath', () => {
    const json = parseFileSd('/sd/a.json', '[{"targets": ["localhost"], "labels": {"__path__": "/x/*.log"}}]');
    assert.deepEqual(json, [
      {
        source: '/sd/a.json:0',
        labels: { __path__: '/x/*.log', __meta_filepath: '/sd/a.json' },
        targets: [{ __address__: 'localhost' }],
      },
    ]);
    const yaml = parseFileSd('/sd/b.yml', '- targets: [a, b]\n  labels:\n    job: y\n');
    assert.equal(yaml[0]!.targets.length, 2);
    assert.throws(() => parseFileSd('/sd/c.json', '{"targets": []}'), /expected a list of target groups/);
  });

  it('reports the groups of matching files and their removal', async () => {
    const file = join(dir, 'targets.json');
    writeFileSync(file, JSON.stringify([{ targets: ['localhost'], labels: { job: 'one' } }]));
    const seen = new Map<string, TargetGroup>();
    discoverer = new FileSdDiscoverer({ files: [join(dir, '*.json')], refresh_interval: 60_000 }, recordingLogger());
    discoverer.start((groups) => {
      for (const g of groups) seen.set(g.source, g);
    });
    await eventually(() => seen.get(`${file}:0`)?.labels.job === 'one', 3000);
    writeFileSync(file, JSON.stringify([{ targets: ['localhost'], labels: { job: 'two' } }]));
    await eventually(() => seen.get(`${file}:0`)?.labels.job === 'two', 3000, 'the changed file');
    unlinkSync(file);
    await eventually(() => seen.get(`${file}:0`)?.targets.length === 0, 3000, 'the removal');
  });
});
