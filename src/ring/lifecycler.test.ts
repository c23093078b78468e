import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { rootLogger } from '../util/log.js';
import { InMemoryKV } from './kv.js';
import { Lifecycler, type LifecyclerOptions } from './lifecycler.js';
import { cloneRing } from './model.js';
import { loadTokensFile } from './tokens.js';

const KEY = 'collectors/ring';
const logger = rootLogger.child({ test: 'lifecycler' });

class FakeClock {
  constructor(public t = 1_000_000) {}
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

function options(id: string, over: Partial<LifecyclerOptions> = {}): LifecyclerOptions {
  return {
    id,
    addr: `${id}:9095`,
    zone: '',
    ringKey: KEY,
    numTokens: 16,
    heartbeatPeriodMs: 5000,
    heartbeatTimeoutMs: 60_000,
    joinAfterMs: 0,
    minReadyDurationMs: 15_000,
    readinessCheckRingHealth: true,
    unregisterOnShutdown: true,
    tokensFilePath: '',
    ...over,
  };
}

test('PENDING without tokens, ACTIVE with num_tokens after joining, ready after min_ready_duration', async () => {
  const clock = new FakeClock();
  const kv = new InMemoryKV(clock.now);
  const l = new Lifecycler(options('a'), kv, logger, clock);
  await l.start(false);
  assert.equal(l.state, 'PENDING');
  assert.equal(kv.get(KEY)!.ingesters.get('a')!.state, 'PENDING');
  assert.equal(l.notReadyReason(), 'this instance owns no tokens');
  await l.autoJoin();
  const entry = kv.get(KEY)!.ingesters.get('a')!;
  assert.equal(entry.state, 'ACTIVE');
  assert.equal(entry.tokens.length, 16);
  assert.equal(l.notReadyReason(), 'waiting for 15s after being ready');
  clock.advance(15_000);
  assert.equal(l.notReadyReason(), null);
});

test('heartbeats refresh the timestamp; a silent instance blocks the readiness of others', async () => {
  const clock = new FakeClock();
  const kv = new InMemoryKV(clock.now);
  const a = new Lifecycler(options('a', { minReadyDurationMs: 0 }), kv, logger, clock);
  const b = new Lifecycler(options('b', { minReadyDurationMs: 0 }), kv, logger, clock);
  await a.start(false);
  await a.autoJoin();
  await b.start(false);
  await b.autoJoin();
  const aTokens = new Set(kv.get(KEY)!.ingesters.get('a')!.tokens);
  assert.ok(
    kv
      .get(KEY)!
      .ingesters.get('b')!
      .tokens.every((t) => !aTokens.has(t)),
    'tokens do not collide',
  );
  clock.advance(61_000);
  await a.heartbeat();
  assert.equal(kv.get(KEY)!.ingesters.get('a')!.timestamp, clock.t);
  assert.equal(a.notReadyReason(), 'instance b:9095 past heartbeat timeout');
  await b.heartbeat();
  assert.equal(a.notReadyReason(), null);
  // Readiness latches: later trouble elsewhere does not take a ready ingester out.
  clock.advance(61_000);
  assert.equal(a.notReadyReason(), null);
});

test('shutdown: LEAVING while flushing, then removed from the ring', async () => {
  const clock = new FakeClock();
  const kv = new InMemoryKV(clock.now);
  const l = new Lifecycler(options('a'), kv, logger, clock);
  await l.start(false);
  await l.autoJoin();
  await l.leaving();
  assert.equal(kv.get(KEY)!.ingesters.get('a')!.state, 'LEAVING');
  await l.stop();
  assert.equal(kv.get(KEY)!.ingesters.has('a'), false);
  // Without unregister_on_shutdown the entry stays, LEAVING, for the instance to come back to.
  const kept = new Lifecycler(options('b', { unregisterOnShutdown: false }), kv, logger, clock);
  await kept.start(false);
  await kept.autoJoin();
  await kept.stop();
  assert.equal(kv.get(KEY)!.ingesters.get('b')!.state, 'LEAVING');
});

test('a restarted instance takes its entry back: same tokens, ACTIVE again', async () => {
  const clock = new FakeClock();
  const kv = new InMemoryKV(clock.now);
  const first = new Lifecycler(options('a', { unregisterOnShutdown: false }), kv, logger, clock);
  await first.start(false);
  await first.autoJoin();
  const tokens = kv.get(KEY)!.ingesters.get('a')!.tokens;
  await first.stop();
  clock.advance(120_000);
  const second = new Lifecycler(options('a'), kv, logger, clock);
  await second.start(false);
  assert.equal(second.state, 'ACTIVE');
  const entry = kv.get(KEY)!.ingesters.get('a')!;
  assert.deepEqual(entry.tokens, tokens);
  assert.equal(entry.state, 'ACTIVE');
  assert.equal(entry.timestamp, clock.t);
});

test('an instance that crashed while JOINING starts over as PENDING', async () => {
  const clock = new FakeClock();
  const kv = new InMemoryKV(clock.now);
  await kv.cas(KEY, () => ({
    ingesters: new Map([
      [
        'a',
        { id: 'a', addr: 'a:9095', timestamp: 1, state: 'JOINING', tokens: [1, 2], zone: '', registeredTimestamp: 1 },
      ],
    ]),
  }));
  const l = new Lifecycler(options('a'), kv, logger, clock);
  await l.start(false);
  assert.equal(l.state, 'PENDING');
});

test('tokens are kept in tokens_file_path and reused by a new registration', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'skald-tokens-'));
  try {
    const path = join(dir, 'ingester.tokens');
    const clock = new FakeClock();
    const kv = new InMemoryKV(clock.now);
    const l = new Lifecycler(options('a', { tokensFilePath: path }), kv, logger, clock);
    await l.start(false);
    await l.autoJoin();
    const tokens = kv.get(KEY)!.ingesters.get('a')!.tokens;
    assert.deepEqual(await loadTokensFile(path), tokens);
    await l.stop();
    const fresh = new InMemoryKV(clock.now);
    const again = new Lifecycler(options('a', { tokensFilePath: path }), fresh, logger, clock);
    await again.start(false);
    assert.equal(again.state, 'ACTIVE');
    assert.deepEqual(fresh.get(KEY)!.ingesters.get('a')!.tokens, tokens);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a heartbeat puts back an entry someone forgot', async () => {
  const clock = new FakeClock();
  const kv = new InMemoryKV(clock.now);
  const l = new Lifecycler(options('a'), kv, logger, clock);
  await l.start(false);
  await l.autoJoin();
  await kv.cas(KEY, (cur) => {
    const d = cloneRing(cur!);
    d.ingesters.delete('a');
    return d;
  });
  assert.equal(kv.get(KEY)?.ingesters.has('a') ?? false, false);
  clock.advance(5000);
  await l.heartbeat();
  assert.equal(kv.get(KEY)!.ingesters.get('a')!.state, 'ACTIVE');
});
