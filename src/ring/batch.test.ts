import assert from 'node:assert/strict';
import { test } from 'node:test';
import { doBatch, doQuorum, type KeyRing } from './batch.js';
import type { InstanceDesc } from './model.js';
import { RingError, WriteNoExtend } from './ring.js';

function inst(id: string): InstanceDesc {
  return { id, addr: `${id}:9095`, timestamp: 0, state: 'ACTIVE', tokens: [], zone: '', registeredTimestamp: 0 };
}

/** Key k is held by the instances listed for it. */
function fakeRing(holders: Record<number, string[]>, maxErrors: Record<number, number>): KeyRing {
  return {
    get: (key) => {
      const list = holders[key];
      if (!list) throw new RingError('at least 1 live replicas required, could only find 0');
      return { instances: list.map(inst), maxErrors: maxErrors[key] ?? 0 };
    },
  };
}

test('each instance gets one call with all of its keys', async () => {
  const calls: Record<string, number[]> = {};
  await doBatch(
    fakeRing({ 0: ['a', 'b', 'c'], 1: ['b', 'c', 'a'], 2: ['c', 'a', 'b'] }, { 0: 1, 1: 1, 2: 1 }),
    WriteNoExtend,
    [0, 1, 2],
    async (i, idx) => {
      calls[i.id] = idx;
    },
  );
  assert.deepEqual(calls, { a: [0, 1, 2], b: [0, 1, 2], c: [0, 1, 2] });
});

test('RF=3: a push succeeds with one replica down and fails with two', async () => {
  const ring = fakeRing({ 0: ['a', 'b', 'c'] }, { 0: 1 });
  const down = new Set(['c']);
  const send = async (i: InstanceDesc) => {
    if (down.has(i.id)) throw new Error(`${i.id} is down`);
  };
  await doBatch(ring, WriteNoExtend, [0], send);
  down.add('b');
  await assert.rejects(doBatch(ring, WriteNoExtend, [0], send), /is down/);
});

test('a push resolves on quorum without waiting for the slowest replica', async () => {
  let release: () => void = () => undefined;
  const slow = new Promise<void>((r) => {
    release = r;
  });
  const ring = fakeRing({ 0: ['a', 'b', 'c'] }, { 0: 1 });
  await doBatch(ring, WriteNoExtend, [0], (i) => (i.id === 'c' ? slow : Promise.resolve()));
  release();
});

test('RF=1: the stream of a down ingester fails, the others succeed', async () => {
  const ring = fakeRing({ 0: ['a'], 1: ['b'] }, {});
  const send = async (i: InstanceDesc) => {
    if (i.id === 'b') throw Object.assign(new Error('connection refused'), { status: 500 });
  };
  await doBatch(ring, WriteNoExtend, [0], send);
  await assert.rejects(doBatch(ring, WriteNoExtend, [0, 1], send), /connection refused/);
  // A key without enough healthy instances fails before anything is sent.
  let sent = 0;
  await assert.rejects(
    doBatch(ring, WriteNoExtend, [0, 7], async () => {
      sent++;
    }),
    RingError,
  );
  assert.equal(sent, 0);
});

test('a read resolves once all but maxErrors answered and aborts the rest', async () => {
  let aborted = 0;
  const results = await doQuorum({ instances: ['a', 'b', 'c'].map(inst), maxErrors: 1 }, (i, signal) => {
    if (i.id === 'c')
      return new Promise<string>((_, reject) => {
        signal.addEventListener('abort', () => {
          aborted++;
          reject(new Error('aborted'));
        });
      });
    return Promise.resolve(i.id);
  });
  assert.deepEqual(results.sort(), ['a', 'b']);
  assert.equal(aborted, 1);
});

test('a read fails when more than maxErrors instances fail', async () => {
  const set = { instances: ['a', 'b', 'c'].map(inst), maxErrors: 1 };
  const fail = (ids: string[]) => (i: InstanceDesc) =>
    ids.includes(i.id) ? Promise.reject(new Error(`${i.id} failed`)) : Promise.resolve(i.id);
  assert.deepEqual((await doQuorum(set, fail(['b']))).sort(), ['a', 'c']);
  await assert.rejects(doQuorum(set, fail(['a', 'c'])), /failed/);
});
