import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { eventually, recordingLogger } from '../../test-support.js';
import { Positions, type PositionsOptions, renderPositions } from './positions.js';

describe('the positions file', () => {
  let dir: string;
  let options: PositionsOptions;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skald-positions-'));
    options = {
      filename: join(dir, 'state', 'positions.yaml'),
      syncPeriodMs: 60_000,
      ignoreInvalidYaml: false,
      readOnly: false,
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is written in Promtail's format, with quoted offsets and sorted paths", async () => {
    const p = await Positions.open(options, recordingLogger());
    p.put('/var/log/b.log', 20);
    p.put('/var/log/a.log', 1234);
    await p.stop();
    assert.equal(
      readFileSync(options.filename, 'utf8'),
      'positions:\n  /var/log/a.log: "1234"\n  /var/log/b.log: "20"\n',
    );
    assert.deepEqual(readdirSync(join(dir, 'state')), ['positions.yaml'], 'no temporary file is left behind');
  });

  it("reads Promtail's file, including unquoted offsets", async () => {
    writeFileSync(join(dir, 'p.yaml'), 'positions:\n  /a.log: "10"\n  /b.log: 7\n  cursor-journal: "s=abc"\n');
    const p = await Positions.open({ ...options, filename: join(dir, 'p.yaml') }, recordingLogger());
    assert.equal(p.get('/a.log'), 10);
    assert.equal(p.get('/b.log'), 7);
    assert.equal(p.get('/missing.log'), 0);
    assert.equal(p.getString('cursor-journal'), 's=abc');
  });

  it('refuses a corrupt file unless told to ignore it', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'positions: [not, a, map\n');
    await assert.rejects(
      Positions.open({ ...options, filename: file }, recordingLogger()),
      /invalid yaml positions file \[.*bad\.yaml\]/,
    );
    const p = await Positions.open({ ...options, filename: file, ignoreInvalidYaml: true }, recordingLogger());
    assert.deepEqual(p.entries(), []);
  });

  it('refuses unknown top-level keys, as a strict decoder does', async () => {
    const file = join(dir, 'extra.yaml');
    writeFileSync(file, 'positions: {}\nother: 1\n');
    await assert.rejects(Positions.open({ ...options, filename: file }, recordingLogger()), /field other not found/);
  });

  it('is written soon after an offset moves, not only every sync period', async () => {
    const p = await Positions.open(options, recordingLogger());
    p.put('/var/log/a.log', 10);
    await eventually(() => existsSync(options.filename) && readFileSync(options.filename, 'utf8').includes('"10"'));
    p.put('/var/log/a.log', 25);
    p.put('/var/log/a.log', 40);
    await eventually(() => readFileSync(options.filename, 'utf8').includes('"40"'));
    await p.stop();
  });

  it('renders paths as the yaml package does, quoting the ones that need it', () => {
    const paths = [
      '/var/log/a.log',
      '/var/log/with space.log',
      '/x/#hash.log',
      "/x/it's.log",
      '/x/: colon.log',
      '/x/"q".log',
    ];
    const map = new Map(paths.map((path, i) => [path, String(i * 1000)]));
    map.set('cursor-journal', 's=abc;i=1');
    const expected = (m: Map<string, string>) =>
      stringify(
        { positions: Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) },
        { version: '1.1', lineWidth: 0 },
      );
    assert.equal(renderPositions(map), expected(map));
    map.delete('cursor-journal');
    assert.equal(renderPositions(map), expected(map));
    assert.equal(renderPositions(new Map()), expected(new Map()));
  });

  it('never writes in read-only mode (dry runs)', async () => {
    const p = await Positions.open({ ...options, readOnly: true }, recordingLogger());
    p.put('/a.log', 1);
    await p.stop();
    assert.equal(existsSync(options.filename), false);
  });
});
