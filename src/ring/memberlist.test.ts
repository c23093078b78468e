import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Registry } from 'prom-client';
import { rootLogger } from '../util/log.js';
import { MemberlistKV, type MemberlistOptions } from './memberlist.js';
import { cloneRing, emptyRing, type InstanceDesc } from './model.js';

const KEY = 'collectors/ring';
const started: MemberlistKV[] = [];
after(async () => {
  await Promise.all(started.map((m) => m.stop()));
});

function options(joinMembers: string[], over: Partial<MemberlistOptions> = {}): MemberlistOptions {
  return {
    nodeName: 'node',
    randomizeNodeName: true,
    bindAddr: '127.0.0.1',
    bindPort: 0,
    advertiseAddr: '',
    advertisePort: 0,
    defaultAdvertiseAddr: '127.0.0.1',
    joinMembers,
    clusterLabel: '',
    clusterLabelVerificationDisabled: false,
    gossipIntervalMs: 20,
    gossipNodes: 3,
    pushPullIntervalMs: 200,
    retransmitFactor: 4,
    streamTimeoutMs: 1000,
    gossipToDeadNodesTimeMs: 30_000,
    leftIngestersTimeoutMs: 300_000,
    leaveTimeoutMs: 1000,
    broadcastTimeoutOnShutdownMs: 1000,
    minJoinBackoffMs: 50,
    maxJoinBackoffMs: 200,
    maxJoinRetries: 10,
    abortIfJoinFails: false,
    rejoinIntervalMs: 0,
    rejoinSeedNodes: [],
    channelOptions: { 'grpc.initial_reconnect_backoff_ms': 50, 'grpc.max_reconnect_backoff_ms': 200 },
    ...over,
  };
}

async function node(joinMembers: string[], over: Partial<MemberlistOptions> = {}): Promise<MemberlistKV> {
  const m = new MemberlistKV(options(joinMembers, over), new Registry(), rootLogger.child({ test: 'memberlist' }));
  started.push(m);
  await m.start();
  return m;
}

function entry(id: string, timestamp: number, over: Partial<InstanceDesc> = {}): InstanceDesc {
  return { id, addr: `${id}:9095`, timestamp, state: 'ACTIVE', tokens: [1], zone: '', registeredTimestamp: 1, ...over };
}

async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('members joining through a seed learn of each other and converge on every change', async () => {
  const a = await node([]);
  const b = await node([a.advertise]);
  const c = await node([a.advertise]);
  await eventually(() => [a, b, c].every((m) => m.memberList().length === 3));

  await b.cas(KEY, (cur) => {
    const d = cur ? cloneRing(cur) : emptyRing();
    d.ingesters.set('ing-b', entry('ing-b', Date.now(), { tokens: [5, 10] }));
    return d;
  });
  await c.cas(KEY, (cur) => {
    const d = cur ? cloneRing(cur) : emptyRing();
    d.ingesters.set('ing-c', entry('ing-c', Date.now(), { tokens: [7] }));
    return d;
  });
  await eventually(() => [a, b, c].every((m) => m.get(KEY)?.ingesters.size === 2));
  assert.deepEqual(a.get(KEY)!.ingesters.get('ing-b')!.tokens, [5, 10]);

  // A removal travels as a tombstone: everyone drops the entry.
  await a.cas(KEY, (cur) => {
    const d = cloneRing(cur!);
    d.ingesters.delete('ing-c');
    return d;
  });
  await eventually(() => [a, b, c].every((m) => m.get(KEY)?.ingesters.has('ing-c') === false));
  assert.equal(b.get(KEY)!.ingesters.size, 1);

  // Watchers see every change.
  const seen: number[] = [];
  const unwatch = c.watch(KEY, (v) => seen.push(v?.ingesters.size ?? 0));
  await b.cas(KEY, (cur) => {
    const d = cloneRing(cur!);
    d.ingesters.set('ing-d', entry('ing-d', Date.now()));
    return d;
  });
  await eventually(() => seen.includes(2));
  unwatch();

  // A member leaving says so and is dropped at once.
  await c.stop();
  await eventually(() => a.memberList().length === 2 && b.memberList().length === 2);
});

test('a member that starts before its seed joins once the seed is up', async () => {
  const seed = await node([]);
  const port = Number(seed.advertise.split(':')[1]);
  await seed.stop();
  const late = await node([`127.0.0.1:${port}`]);
  assert.equal(late.memberList().length, 1);
  const seedAgain = await node([], { bindPort: port });
  await eventually(() => late.memberList().length === 2 && seedAgain.memberList().length === 2, 8000);
});

test('members of another cluster label are refused', async () => {
  const a = await node([], { clusterLabel: 'prod' });
  const b = await node([a.advertise], { clusterLabel: 'dev' });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(a.memberList().length, 1);
  assert.equal(b.memberList().length, 1);
});
