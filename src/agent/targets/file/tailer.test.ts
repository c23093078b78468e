import assert from 'node:assert/strict';
import {
  appendFileSync,
  copyFileSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FlowControl } from '../../flow-control.js';
import { LabelSet } from '../../labels/label-set.js';
import { AgentMetrics } from '../../metrics.js';
import type { LogEntry } from '../../pipeline/entry.js';
import { eventually, recordingLogger, sleep } from '../../test-support.js';
import { Positions } from './positions.js';
import { Tailer, type TailerOptions } from './tailer.js';

describe('tailing a file', () => {
  let dir: string;
  let positionsFile: string;
  let tailers: Tailer[];
  let opened: Positions[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skald-tail-'));
    positionsFile = join(dir, 'positions.yaml');
    tailers = [];
    opened = [];
  });
  afterEach(async () => {
    for (const t of tailers) await t.stop();
    // Positions are written soon after they move: let those writes finish before the directory goes.
    for (const p of opened) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function openPositions(): Promise<Positions> {
    const p = await Positions.open(
      { filename: positionsFile, syncPeriodMs: 60_000, ignoreInvalidYaml: false, readOnly: false },
      recordingLogger(),
    );
    opened.push(p);
    return p;
  }

  /** Starts a tailer collecting lines; entries are acknowledged at once unless `hold` is set. */
  async function tail(
    path: string,
    opts: { positions?: Positions; hold?: boolean; flow?: FlowControl; maxLineBytes?: number; readSize?: number } = {},
  ) {
    const lines: string[] = [];
    const held: LogEntry[] = [];
    const positions = opts.positions ?? (await openPositions());
    const options: TailerOptions = {
      path,
      labels: LabelSet.fromRecord({ job: 't', filename: path }),
      handle: (e) => {
        lines.push(e.lineText);
        if (opts.hold) held.push(e);
        else e.ack.done();
      },
      positions,
      metrics: new AgentMetrics(),
      flow: opts.flow ?? new FlowControl(1 << 30),
      logger: recordingLogger(),
      pollMinMs: 10,
      pollMaxMs: 20,
      maxLineBytes: opts.maxLineBytes ?? 1 << 20,
      readSize: opts.readSize,
      rotatedGraceMs: 200,
    };
    const tailer = await Tailer.start(options);
    tailers.push(tailer);
    return { tailer, lines, held, positions };
  }

  it('reads lines as they are appended', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, 'one\ntwo\n');
    const { lines } = await tail(file);
    await eventually(() => lines.length === 2);
    appendFileSync(file, 'three\n\nfive\r\n');
    await eventually(() => lines.length === 5);
    assert.deepEqual(lines, ['one', 'two', 'three', '', 'five\r']);
  });

  it('holds a partial last line until its newline arrives', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, 'complete\npart');
    const { lines } = await tail(file);
    await eventually(() => lines.length === 1);
    await sleep(60);
    assert.deepEqual(lines, ['complete']);
    appendFileSync(file, 'ial\n');
    await eventually(() => lines.length === 2);
    assert.equal(lines[1], 'partial');
  });

  it('splits lines across small reads', async () => {
    const file = join(dir, 'app.log');
    const expected = Array.from({ length: 50 }, (_, i) => `line number ${i} ${'x'.repeat(i)}`);
    writeFileSync(file, `${expected.join('\n')}\n`);
    const { lines } = await tail(file, { readSize: 7 });
    await eventually(() => lines.length === 50);
    assert.deepEqual(lines, expected);
  });

  it('gives lines memory of their own unless the consumer copies them', async () => {
    const file = join(dir, 'kept.log');
    const expected = Array.from({ length: 2000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
    writeFileSync(file, `${expected.join('\n')}\n`);
    const kept: Buffer[] = [];
    const tailer = await Tailer.start({
      path: file,
      labels: LabelSet.fromRecord({ filename: file }),
      // Keeps the line buffers themselves, as a stage holding entries would.
      handle: (e) => {
        kept.push(e.line);
        e.ack.done();
      },
      positions: await openPositions(),
      metrics: new AgentMetrics(),
      flow: new FlowControl(1 << 30),
      logger: recordingLogger(),
      pollMinMs: 10,
      pollMaxMs: 20,
      maxLineBytes: 1 << 20,
      readSize: 1024,
    });
    tailers.push(tailer);
    await eventually(() => kept.length === expected.length);
    assert.deepEqual(
      kept.map((b) => b.toString()),
      expected,
    );
  });

  it('cuts lines longer than the limit and skips the rest of them', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, `short\n${'a'.repeat(50)}\nafter\n${'b'.repeat(30)}`);
    const { lines } = await tail(file, { maxLineBytes: 10, readSize: 16 });
    await eventually(() => lines.length === 4);
    appendFileSync(file, `${'b'.repeat(30)}\nend\n`);
    await eventually(() => lines.length === 5);
    assert.deepEqual(lines, ['short', 'a'.repeat(10), 'after', 'b'.repeat(10), 'end']);
  });

  it('follows a rename + create rotation without losing lines', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, 'old 1\nold 2\n');
    const { lines } = await tail(file);
    await eventually(() => lines.length === 2);
    renameSync(file, `${file}.1`);
    // The writer still has the old file open for a moment.
    appendFileSync(`${file}.1`, 'old 3\n');
    writeFileSync(file, 'new 1\n');
    await eventually(() => lines.length === 4, 3000, 'old and new lines');
    appendFileSync(`${file}.1`, 'old 4 unterminated');
    appendFileSync(file, 'new 2\n');
    await eventually(() => lines.length === 6, 3000, 'late lines of the old file');
    assert.deepEqual([...lines].sort(), ['new 1', 'new 2', 'old 1', 'old 2', 'old 3', 'old 4 unterminated']);
  });

  it('starts over when the file is truncated (copytruncate)', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, 'before 1\nbefore 2\n');
    const { lines, positions } = await tail(file);
    await eventually(() => lines.length === 2);
    copyFileSync(file, `${file}.1`);
    truncateSync(file, 0);
    await sleep(60);
    appendFileSync(file, 'after\n');
    await eventually(() => lines.length === 3);
    assert.deepEqual(lines, ['before 1', 'before 2', 'after']);
    await eventually(() => positions.get(file) === 6, 2000, 'position after the truncation');
  });

  it('commits an offset only once the lines before it were acknowledged', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, 'a\nb\n');
    const { held, positions } = await tail(file, { hold: true });
    await eventually(() => held.length === 2);
    assert.equal(positions.get(file), 0);
    held[1]!.ack.done();
    await sleep(0);
    assert.equal(positions.get(file), 0, 'the first line is still in flight');
    held[0]!.ack.done();
    await sleep(0);
    assert.equal(positions.get(file), 4);
  });

  it('resumes from the saved position after a restart, re-reading what was not delivered', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, 'delivered\n');
    const first = await tail(file, { hold: true });
    await eventually(() => first.held.length === 1);
    first.held[0]!.ack.done();
    appendFileSync(file, 'in flight\n');
    await eventually(() => first.held.length === 2);
    await first.tailer.stop();
    await first.positions.stop();
    assert.match(readFileSync(positionsFile, 'utf8'), /app\.log: "10"/);
    appendFileSync(file, 'written while stopped\n');
    const second = await tail(file, { positions: await openPositions() });
    await eventually(() => second.lines.length === 2);
    assert.deepEqual(second.lines, ['in flight', 'written while stopped']);
  });

  it('starts from the beginning when the saved position is past the end of the file', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(positionsFile, `positions:\n  ${file}: "999"\n`);
    writeFileSync(file, 'fresh\n');
    const { lines } = await tail(file, { positions: await openPositions() });
    await eventually(() => lines.length === 1);
    assert.deepEqual(lines, ['fresh']);
  });

  it('pauses reading while the clients are backed up', async () => {
    const file = join(dir, 'app.log');
    const flow = new FlowControl(100);
    flow.hold(100);
    writeFileSync(file, 'waiting\n');
    const { lines } = await tail(file, { flow });
    await sleep(80);
    assert.deepEqual(lines, [], 'nothing read while congested');
    flow.release(100);
    await eventually(() => lines.length === 1);
  });

  it('stops promptly while waiting for backed-up clients', async () => {
    const file = join(dir, 'app.log');
    const flow = new FlowControl(100);
    flow.hold(100);
    writeFileSync(file, 'never read\n');
    const { tailer } = await tail(file, { flow });
    await sleep(50);
    await tailer.stop();
  });

  it('reads what is left and the unfinished last line when the file goes away', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, 'a\n');
    const { tailer, lines } = await tail(file);
    await eventually(() => lines.length === 1);
    appendFileSync(file, 'b\nno newline');
    await tailer.stop(true);
    assert.deepEqual(lines, ['a', 'b', 'no newline']);
  });
});
