import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FlowControl } from '../../flow-control.js';
import { LabelSet } from '../../labels/label-set.js';
import { AgentMetrics } from '../../metrics.js';
import type { LogEntry } from '../../pipeline/entry.js';
import { eventually, recordingLogger, sleep } from '../../test-support.js';
import { DirWatcher } from './dir-watcher.js';
import { FileTarget } from './file-target.js';
import { Positions } from './positions.js';

describe('a file target', () => {
  let dir: string;
  let target: FileTarget | undefined;
  let watcher: DirWatcher;
  let positionsOpened: Positions | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skald-target-'));
    watcher = new DirWatcher(recordingLogger());
  });
  afterEach(async () => {
    await target?.stop();
    watcher.closeAll();
    // Positions are written soon after they move: let those writes finish before the directory goes.
    await positionsOpened?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(pattern: string, exclude = '', syncPeriodMs = 60_000) {
    const entries: LogEntry[] = [];
    const positions = await Positions.open(
      { filename: join(dir, 'positions.yaml'), syncPeriodMs: 60_000, ignoreInvalidYaml: false, readOnly: false },
      recordingLogger(),
    );
    positionsOpened = positions;
    target = new FileTarget({
      path: pattern,
      pathExclude: exclude,
      labels: LabelSet.fromRecord({ job: 'varlogs' }),
      discoveredLabels: {},
      handle: (e) => {
        entries.push(e);
        e.ack.done();
      },
      positions,
      metrics: new AgentMetrics(),
      flow: new FlowControl(1 << 30),
      logger: recordingLogger(),
      dirWatcher: watcher,
      syncPeriodMs,
      pollMinMs: 10,
      pollMaxMs: 20,
      maxLineBytes: 1 << 20,
    });
    target.start();
    return { entries, positions };
  }

  it('labels lines with the target labels and the file name', async () => {
    const file = join(dir, 'a.log');
    writeFileSync(file, 'hello\n');
    const { entries } = await start(join(dir, '*.log'));
    await eventually(() => entries.length === 1);
    assert.deepEqual(entries[0]!.labels.toRecord(), { filename: file, job: 'varlogs' });
  });

  it('picks up files created later in a watched directory', async () => {
    writeFileSync(join(dir, 'first.log'), 'first\n');
    const { entries } = await start(join(dir, '*.log'));
    await eventually(() => entries.length === 1);
    writeFileSync(join(dir, 'second.log'), 'second\n');
    await eventually(() => entries.length === 2, 3000, 'the new file');
    assert.equal(entries[1]!.labels.get('filename'), join(dir, 'second.log'));
  });

  it('finds new files at the next sync even without directory events', async () => {
    const { entries } = await start(join(dir, 'sub-*/*.log'), '', 50);
    const sub = join(dir, 'sub-1');
    mkdirSync(sub);
    writeFileSync(join(sub, 'x.log'), 'x\n');
    await eventually(() => entries.length === 1, 3000);
  });

  it('skips excluded files', async () => {
    writeFileSync(join(dir, 'keep.log'), 'keep\n');
    writeFileSync(join(dir, 'skip.log'), 'skip\n');
    const { entries } = await start(join(dir, '*.log'), join(dir, 'skip*'));
    await eventually(() => entries.length === 1);
    await target!.requestSync();
    assert.deepEqual(
      entries.map((e) => e.lineText),
      ['keep'],
    );
  });

  it('stops tailing a file that is deleted and forgets its position', async () => {
    const file = join(dir, 'gone.log');
    writeFileSync(file, 'bye\n');
    const { entries, positions } = await start(join(dir, '*.log'));
    await eventually(() => entries.length === 1);
    await eventually(() => positions.get(file) === 4);
    unlinkSync(file);
    await target!.requestSync();
    assert.equal(target!.ready, true, 'a vanished path is kept for a grace period (it may be mid-rotation)');
    await eventually(() => !target!.ready, 5000, 'the tailer to stop');
    await eventually(() => positions.getString(file) === undefined, 5000, 'the position to be forgotten');
  });

  it('keeps reading a renamed file until the application opens a new one at the path', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, 'one\n');
    const { entries } = await start(join(dir, '*.log'));
    await eventually(() => entries.length === 1);
    renameSync(file, join(dir, 'app.log.1'));
    await target!.requestSync();
    // The application still writes to its open descriptor (now the renamed file) for a moment.
    appendFileSync(join(dir, 'app.log.1'), 'two\n');
    await sleep(200);
    appendFileSync(join(dir, 'app.log.1'), 'three\n');
    writeFileSync(file, 'four\n');
    await eventually(() => entries.length === 4, 5000, 'every line');
    assert.deepEqual(
      entries.map((e) => e.lineText),
      ['one', 'two', 'three', 'four'],
    );
  });
});
