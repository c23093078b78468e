import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  countOwnedTokens,
  emptyRing,
  type InstanceDesc,
  mergeRing,
  nextTimestamp,
  type RingDesc,
  removeTombstones,
  resolveConflicts,
} from './model.js';

function inst(id: string, timestamp: number, over: Partial<InstanceDesc> = {}): InstanceDesc {
  return { id, addr: `${id}:9095`, timestamp, state: 'ACTIVE', tokens: [], zone: '', registeredTimestamp: 1, ...over };
}

function ring(...list: InstanceDesc[]): RingDesc {
  const d = emptyRing();
  for (const i of list) d.ingesters.set(i.id, i);
  return d;
}

test('the newer entry of an instance wins, whichever order updates arrive in', () => {
  const older = ring(inst('a', 100, { state: 'PENDING' }));
  const newer = ring(inst('a', 200, { state: 'ACTIVE', tokens: [5, 1, 3] }));
  const x = ring();
  mergeRing(x, older, false, 0);
  mergeRing(x, newer, false, 0);
  const y = ring();
  mergeRing(y, newer, false, 0);
  assert.equal(mergeRing(y, older, false, 0), null, 'an older update changes nothing');
  assert.deepEqual(x, y);
  assert.equal(x.ingesters.get('a')!.state, 'ACTIVE');
  assert.deepEqual(x.ingesters.get('a')!.tokens, [1, 3, 5], 'tokens are normalised');
});

test('a LEFT tombstone wins a tie and carries no tokens', () => {
  const d = ring(inst('a', 100, { tokens: [1, 2] }));
  const change = mergeRing(d, ring(inst('a', 100, { state: 'LEFT', tokens: [1, 2] })), false, 0);
  assert.ok(change);
  assert.equal(d.ingesters.get('a')!.state, 'LEFT');
  assert.deepEqual(d.ingesters.get('a')!.tokens, []);
  // ...but an ACTIVE entry of the same age does not bring it back.
  assert.equal(mergeRing(d, ring(inst('a', 100, { tokens: [1, 2] })), false, 0), null);
});

test('a local update without an instance turns it into a tombstone stamped now', () => {
  const d = ring(inst('a', 100), inst('b', 100));
  const change = mergeRing(d, ring(inst('a', 100)), true, 5000);
  assert.deepEqual([...change!.ingesters.keys()], ['b']);
  assert.equal(d.ingesters.get('b')!.state, 'LEFT');
  assert.equal(d.ingesters.get('b')!.timestamp, 5000);
  // A gossip merge (not local) never removes what the other side does not mention.
  const e = ring(inst('a', 100), inst('b', 100));
  assert.equal(mergeRing(e, ring(inst('a', 100)), false, 5000), null);
  assert.equal(e.ingesters.get('b')!.state, 'ACTIVE');
});

test('merges are commutative and idempotent for gossip', () => {
  const u1 = ring(inst('a', 10, { tokens: [1] }), inst('b', 30, { state: 'LEAVING', tokens: [2] }));
  const u2 = ring(inst('a', 20, { tokens: [3] }), inst('c', 5, { tokens: [4] }));
  const u3 = ring(inst('b', 40, { state: 'LEFT' }));
  const orders = [
    [u1, u2, u3],
    [u3, u2, u1],
    [u2, u1, u3, u1, u2],
  ];
  const results = orders.map((o) => {
    const d = ring();
    for (const u of o) mergeRing(d, u, false, 0);
    return d;
  });
  assert.deepEqual(results[0], results[1]);
  assert.deepEqual(results[0], results[2]);
  assert.deepEqual(results[0]!.ingesters.get('a')!.tokens, [3]);
  assert.equal(results[0]!.ingesters.get('b')!.state, 'LEFT');
});

test('conflicting tokens go to the instance not leaving, else to the lower id', () => {
  const d = ring(
    inst('b', 1, { tokens: [1, 2, 3] }),
    inst('a', 1, { tokens: [2, 4] }),
    inst('c', 1, { state: 'LEAVING', tokens: [1, 5] }),
  );
  resolveConflicts(d);
  assert.deepEqual(d.ingesters.get('a')!.tokens, [2, 4]);
  assert.deepEqual(d.ingesters.get('b')!.tokens, [1, 3]);
  assert.deepEqual(d.ingesters.get('c')!.tokens, [5]);
});

test('tombstones are removed once older than the limit', () => {
  const d = ring(inst('a', 100, { state: 'LEFT' }), inst('b', 300, { state: 'LEFT' }), inst('c', 50));
  assert.equal(removeTombstones(d, 200), 1);
  assert.deepEqual([...d.ingesters.keys()].sort(), ['b', 'c']);
  assert.equal(removeTombstones(d, 0), 1);
  assert.deepEqual([...d.ingesters.keys()], ['c']);
});

test('a new version of an entry is always newer, even when the clock is behind', () => {
  assert.equal(nextTimestamp(undefined, 10), 10);
  assert.equal(nextTimestamp(inst('a', 5), 10), 10);
  assert.equal(nextTimestamp(inst('a', 10), 10), 11);
  assert.equal(nextTimestamp(inst('a', 50), 10), 51);
});

test('token ownership covers the whole ring', () => {
  const d = ring(inst('a', 1, { tokens: [0, 0x80000000] }), inst('b', 1, { tokens: [0x40000000] }));
  const owned = countOwnedTokens(d);
  assert.equal(owned.get('a')! + owned.get('b')!, 0xffffffff);
  assert.equal(owned.get('b'), 0x40000000);
});
