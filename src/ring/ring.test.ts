import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyRing, type InstanceDesc, type InstanceState, type RingDesc } from './model.js';
import { Read, Reporting, RingError, RingSnapshot, searchToken, Write, WriteNoExtend } from './ring.js';
import { generateTokens, tokenFor } from './tokens.js';

const NOW = 1_000_000;

function inst(id: string, tokens: number[], state: InstanceState = 'ACTIVE', age = 0): InstanceDesc {
  return { id, addr: `${id}:9095`, timestamp: NOW - age, state, tokens, zone: '', registeredTimestamp: 1 };
}

function snapshot(list: InstanceDesc[], rf = 3, timeoutMs = 60_000): RingSnapshot {
  const d: RingDesc = emptyRing();
  for (const i of list) d.ingesters.set(i.id, i);
  return new RingSnapshot(d, {
    replicationFactor: rf,
    heartbeatTimeoutMs: timeoutMs,
    name: 'ingester',
    now: () => NOW,
  });
}

const ids = (set: { instances: InstanceDesc[] }) => set.instances.map((i) => i.id);

test("the token hash is Loki's: FNV-1 32 over tenant then labels", () => {
  // Values computed with Go's hash/fnv New32 over the same bytes.
  assert.equal(tokenFor('', ''), 2166136261);
  assert.equal(tokenFor('a', ''), 0x050c5d7e);
  assert.equal(tokenFor('fake', '{app="demo"}'), tokenFor('fake{app=', '"demo"}'));
  assert.notEqual(tokenFor('tenant-a', '{app="x"}'), tokenFor('tenant-b', '{app="x"}'));
  assert.equal(tokenFor('t', '{a="ä"}'), tokenFor('t{a="', 'ä"}'), 'non-ASCII labels hash as UTF-8 bytes');
});

test('a key belongs to the owners of the next tokens after it', () => {
  const s = snapshot([inst('a', [10, 40]), inst('b', [20, 50]), inst('c', [30, 60])]);
  assert.equal(searchToken(s.tokens, 10), 1, 'a key equal to a token goes to the next one');
  assert.equal(searchToken(s.tokens, 60), 0, 'past the last token it wraps around');
  assert.deepEqual(ids(s.get(15, WriteNoExtend)), ['b', 'c', 'a']);
  assert.deepEqual(ids(s.get(55, WriteNoExtend)), ['c', 'a', 'b']);
  assert.deepEqual(ids(snapshot([inst('a', [10, 40]), inst('b', [20, 50])], 1).get(15, WriteNoExtend)), ['b']);
});

test('the replica set has replication_factor distinct instances, fewer when the ring is smaller', () => {
  const s = snapshot([inst('a', [1, 2, 3]), inst('b', [4])]);
  assert.deepEqual(ids(s.get(0, WriteNoExtend)), ['a', 'b']);
  assert.equal(s.get(0, WriteNoExtend).maxErrors, 0, 'two of three: quorum 2 leaves no failure');
});

test('quorum is RF/2+1: one of three may fail, RF=1 tolerates none', () => {
  const three = snapshot([inst('a', [10]), inst('b', [20]), inst('c', [30])]);
  assert.equal(three.get(5, WriteNoExtend).maxErrors, 1);
  const one = snapshot([inst('a', [10]), inst('b', [20]), inst('c', [30])], 1);
  assert.deepEqual(ids(one.get(15, WriteNoExtend)), ['b']);
  assert.equal(one.get(15, WriteNoExtend).maxErrors, 0);
});

test("unhealthy instances are left out, with Loki's error when too few remain", () => {
  const stale = snapshot([inst('a', [10]), inst('b', [20], 'ACTIVE', 120_000), inst('c', [30])]);
  const set = stale.get(5, WriteNoExtend);
  assert.deepEqual(ids(set), ['a', 'c']);
  assert.equal(set.maxErrors, 0);
  const twoDown = snapshot([inst('a', [10]), inst('b', [20], 'ACTIVE', 120_000), inst('c', [30], 'LEAVING')]);
  assert.throws(
    () => twoDown.get(5, WriteNoExtend),
    (err: Error) =>
      err instanceof RingError &&
      err.message === 'at least 2 live replicas required, could only find 1 - unhealthy instances: b:9095,c:9095',
  );
  // With RF=1 the stream of a dead ingester cannot be written; others can.
  const rf1 = snapshot([inst('a', [10]), inst('b', [20], 'ACTIVE', 120_000)], 1);
  assert.throws(() => rf1.get(15, WriteNoExtend), /at least 1 live replicas required, could only find 0/);
  assert.deepEqual(ids(rf1.get(5, WriteNoExtend)), ['a']);
});

test('Write extends the set past instances that are not ACTIVE; WriteNoExtend does not', () => {
  const s = snapshot([inst('a', [10], 'JOINING'), inst('b', [20]), inst('c', [30]), inst('d', [40])]);
  assert.deepEqual(ids(s.get(5, Write)), ['b', 'c', 'd']);
  assert.deepEqual(ids(s.get(5, WriteNoExtend)), ['b', 'c']);
});

test('reads ask every healthy instance and tolerate RF/2 of them failing', () => {
  const s = snapshot([inst('a', [10]), inst('b', [20], 'LEAVING'), inst('c', [30], 'PENDING')]);
  const set = s.replicationSetForOperation(Read);
  assert.deepEqual(ids(set).sort(), ['a', 'b', 'c']);
  assert.equal(set.maxErrors, 1);
  const oneDown = snapshot([inst('a', [10]), inst('b', [20]), inst('c', [30], 'ACTIVE', 120_000)]);
  assert.equal(oneDown.replicationSetForOperation(Read).maxErrors, 0);
  const twoDown = snapshot([inst('a', [10]), inst('b', [20], 'ACTIVE', 120_000), inst('c', [30], 'ACTIVE', 120_000)]);
  assert.throws(() => twoDown.replicationSetForOperation(Read), /too many unhealthy instances in the ring/);
  assert.throws(() => snapshot([]).replicationSetForOperation(Read), /empty ring/);
  assert.throws(() => snapshot([]).get(1, WriteNoExtend), /empty ring/);
});

test('reporting health looks at the heartbeat only', () => {
  const s = snapshot([inst('a', [1], 'JOINING'), inst('b', [2], 'ACTIVE', 120_000)]);
  assert.deepEqual(
    s.allHealthy(Reporting).map((i) => i.id),
    ['a'],
  );
});

test('generated tokens avoid taken ones and are sorted', () => {
  let n = 0;
  const seq = [5, 5, 7, 1, 9];
  const tokens = generateTokens(3, [7], () => seq[n++]!);
  assert.deepEqual(tokens, [1, 5, 9]);
  const many = generateTokens(128, []);
  assert.equal(new Set(many).size, 128);
  assert.ok(many.every((t, i) => i === 0 || t > many[i - 1]!));
});
