import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LabelSet } from '../labels/label-set.js';
import { sleep, testStageContext } from '../test-support.js';
import { CountdownAck } from './ack.js';
import { pipelineFromYaml } from './build.js';
import { LogEntry } from './entry.js';

/** An entry whose acknowledgement flips `done[i]`. */
function tracked(done: boolean[], i: number, line: string, labels: Record<string, string> = { job: 'a' }): LogEntry {
  done[i] = false;
  return LogEntry.fromText(
    LabelSet.fromRecord(labels),
    { sec: 1, nanos: i },
    line,
    new CountdownAck(1, () => {
      done[i] = true;
    }),
  );
}

describe('acknowledgements through the pipeline', () => {
  it('acknowledges entries a stage drops', async () => {
    const done: boolean[] = [];
    const p = await pipelineFromYaml('- drop:\n    expression: noise\n', testStageContext());
    const out: LogEntry[] = [];
    p.process(tracked(done, 0, 'noise'), (e) => out.push(e));
    p.process(tracked(done, 1, 'signal'), (e) => out.push(e));
    assert.deepEqual(done, [true, false]);
    out[0]!.ack.done();
    assert.deepEqual(done, [true, true]);
  });

  it('hands the acknowledgements of joined multiline lines to the block', async () => {
    const done: boolean[] = [];
    const out: LogEntry[] = [];
    const p = await pipelineFromYaml('- multiline:\n    firstline: "^START"\n', testStageContext());
    p.process(tracked(done, 0, 'START a'), (e) => out.push(e));
    p.process(tracked(done, 1, '  more'), (e) => out.push(e));
    p.process(tracked(done, 2, 'START b'), (e) => out.push(e));
    assert.equal(out.length, 1);
    assert.deepEqual(done, [false, false, false]);
    out[0]!.ack.done();
    assert.deepEqual(done, [true, true, false], 'the second block is still held');
    p.close();
  });

  it('flushes a multiline block after max_wait_time without new lines', async () => {
    const out: LogEntry[] = [];
    const p = await pipelineFromYaml(
      '- multiline:\n    firstline: "^START"\n    max_wait_time: 50ms\n',
      testStageContext(),
    );
    p.process(tracked([], 0, 'START'), (e) => out.push(e));
    p.process(tracked([], 1, 'tail'), (e) => out.push(e));
    await sleep(20);
    assert.equal(out.length, 0);
    await sleep(120);
    assert.deepEqual(
      out.map((e) => e.lineText),
      ['START\ntail'],
    );
    p.close();
  });

  it('hands the acknowledgements of CRI partial lines to the full line', async () => {
    const done: boolean[] = [];
    const out: LogEntry[] = [];
    const p = await pipelineFromYaml('- cri: {}\n', testStageContext());
    p.process(tracked(done, 0, '2024-01-01T00:00:00Z stdout P a'), (e) => out.push(e));
    p.process(tracked(done, 1, '2024-01-01T00:00:01Z stdout F b'), (e) => out.push(e));
    assert.equal(out.length, 1);
    assert.equal(out[0]!.lineText, 'ab');
    out[0]!.ack.done();
    assert.deepEqual(done, [true, true]);
  });

  it('counts an entry sent to two clients as delivered only when both are done', async () => {
    let acked = false;
    const ack = new CountdownAck(1, () => {
      acked = true;
    });
    ack.retain(1);
    ack.done();
    assert.equal(acked, false);
    ack.done();
    assert.equal(acked, true);
  });
});
