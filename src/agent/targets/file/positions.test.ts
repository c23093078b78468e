import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { recordingLogger } from '../../test-support.js';
import { Positions, type PositionsOptions } from './positions.js';

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

  it('never writes in read-only mode (dry runs)', async () => {
    const p = await Positions.open({ ...options, readOnly: true }, recordingLogger());
    p.put('/a.log', 1);
    await p.stop();
    assert.equal(existsSync(options.filename), false);
  });
});
