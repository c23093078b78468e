import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromByteString, toByteString } from './byte-string.js';
import { DEFAULT_PATTERN_DETECTOR_CONFIG } from './config.js';
import { Drain, type DrainSettings } from './drain.js';
import { LogfmtTokenizer } from './logfmt-tokenizer.js';
import { PunctuationTokenizer } from './punctuation-tokenizer.js';

const clock = () => 1_700_000_000_000;

function newDrain(overrides: Partial<DrainSettings> = {}): Drain {
  return new Drain({ ...DEFAULT_PATTERN_DETECTOR_CONFIG, ...overrides }, new PunctuationTokenizer(3000));
}

function train(drain: Drain, lines: string[], tsMs = 0): void {
  for (const line of lines) drain.train(toByteString(line), tsMs, clock);
}

function patterns(drain: Drain): string[] {
  return drain
    .clusters()
    .map((c) => fromByteString(drain.pattern(c)))
    .sort();
}

describe('Drain', () => {
  it('joins similar lines into one cluster, with placeholders where they differ', () => {
    const drain = newDrain();
    train(drain, [
      'server request took 123 ms to complete',
      'server request took 456 ms to complete',
      'server request took 789 ms to complete',
    ]);
    assert.deepEqual(patterns(drain), ['server request took <_> ms to complete']);
    assert.equal(drain.clusters()[0]!.samples.total(), 3);
  });

  it('keeps lines apart whose leading words differ', () => {
    const drain = newDrain();
    train(drain, ['user alice logged in', 'user bob logged in', 'user alice logged out']);
    assert.deepEqual(patterns(drain), ['user alice logged <_>', 'user bob logged in']);
  });

  it('sends tokens with digits down one placeholder branch of the tree', () => {
    const drain = newDrain();
    train(drain, ['job 17 finished ok', 'job 42 finished ok']);
    assert.deepEqual(patterns(drain), ['job <_> finished ok']);
    // root, token count, "job", placeholder, "finished"
    assert.equal(drain.nodeCount(), 5);
  });

  it('needs 30% of the tokens to agree before a line joins a cluster', () => {
    const drain = newDrain();
    train(drain, ['a1 b2 c3 d4 e5', 'f6 g7 h8 i9 j0']);
    assert.equal(drain.clusters().length, 2, 'no token in common');
    train(drain, ['a1 b2 x9 y9 z9']);
    assert.deepEqual(patterns(drain), ['a1 b2 <_> <_> <_>', 'f6 g7 h8 i9 j0']);
  });

  it('prefers, among equally similar clusters, the one with more placeholders', () => {
    const drain = newDrain();
    train(drain, ['c1 d1 e1 f1', 'x1 y1 a1 b1', 'x1 y1 a2 b2']);
    const joined = drain.train(toByteString('x1 y1 e1 f1'), 0, clock);
    assert.equal(fromByteString(drain.pattern(joined!)), 'x1 y1 <_> <_>');
    assert.deepEqual(patterns(drain), ['c1 d1 e1 f1', 'x1 y1 <_> <_>']);
  });

  it('skips lines with fewer than 4 or more than 80 tokens', () => {
    const drain = newDrain();
    assert.equal(drain.train('only three tokens', 0, clock), null);
    assert.equal(drain.train(Array.from({ length: 81 }, (_, i) => `t${i}`).join(' '), 0, clock), null);
    assert.notEqual(drain.train(Array.from({ length: 80 }, (_, i) => `t${i}`).join(' '), 0, clock), null);
    assert.notEqual(drain.train('exactly four tokens here', 0, clock), null);
  });

  it('only joins a template token that starts with a NUL byte when it matches exactly', () => {
    const drain = newDrain();
    train(drain, ['\x001 b c d', '\x002 b c d']);
    assert.equal(drain.clusters().length, 2);
    const plain = newDrain();
    train(plain, ['11 b c d', '12 b c d']);
    assert.deepEqual(patterns(plain), ['<_> b c d']);
  });

  it('gives the last free child slot of a node to the placeholder branch, which takes every later token', () => {
    const drain = newDrain();
    const letters = 'abcdefghijklmnopqrst';
    train(
      drain,
      [...letters].map((l) => `tok${l} beta gamma delta epsilon`),
    );
    const expected = [...letters.slice(0, 14)].map((l) => `tok${l} beta gamma delta epsilon`);
    expected.push('<_> beta gamma delta epsilon');
    assert.deepEqual(patterns(drain), expected.sort());
    const cluster = drain.train(toByteString('never-seen beta gamma delta epsilon'), 0, clock);
    assert.equal(fromByteString(drain.pattern(cluster!)), '<_> beta gamma delta epsilon');
  });

  it('evicts the least recently used cluster beyond max_clusters', () => {
    const drain = newDrain({ maxClusters: 3, maxEvictionRatio: 1 });
    train(drain, ['alpha one two three', 'bravo one two three', 'charlie one two three', 'alpha one two three']);
    train(drain, ['delta one two three']);
    assert.deepEqual(patterns(drain), ['alpha one two three', 'charlie one two three', 'delta one two three']);
  });

  it('pauses training for ten minutes once evictions exceed max_eviction_ratio of the lines', () => {
    let now = 1_000_000;
    const drain = newDrain({ maxClusters: 3, maxEvictionRatio: 0.25 });
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
    const lines = words.map((w) => toByteString(`${w} one two three`));
    for (const line of lines.slice(0, 5))
      assert.notEqual(
        drain.train(line, 0, () => now),
        null,
      );
    // 2 evictions for 5 lines is above a quarter
    assert.equal(
      drain.train(lines[5]!, 0, () => now),
      null,
    );
    assert.equal(drain.isPaused(now), true);
    assert.deepEqual(patterns(drain), ['charlie one two three', 'delta one two three', 'echo one two three']);
    now += 10 * 60 * 1000;
    assert.notEqual(
      drain.train(lines[5]!, 0, () => now),
      null,
    );
    assert.equal(drain.isPaused(now), false);
  });

  it('drops expired clusters and the tree branches that led only to them', () => {
    const drain = newDrain();
    const now = 10 * 60 * 1000;
    for (const l of 'ABCDEFG') drain.train(toByteString(`test test test ${l}`), now - 7 * 60 * 1000, clock);
    for (const l of 'WXYZ') drain.train(toByteString(`my name is ${l}`), now, clock);
    assert.deepEqual(patterns(drain), ['my name is <_>', 'test test test <_>']);
    assert.equal(drain.nodeCount(), 8);

    for (const cluster of drain.clusters()) {
      if (cluster.samples.prune(10_000, now) === 0) drain.delete(cluster);
    }
    assert.deepEqual(patterns(drain), ['my name is <_>']);
    assert.equal(drain.nodeCount(), 8, 'branches stay until the tree is pruned');
    drain.pruneTree();
    assert.equal(drain.nodeCount(), 5);
  });

  it('prints the pattern with the spacing of the first line of the cluster', () => {
    const drain = newDrain();
    train(drain, ['Jul  1 09:00:55 host kernel: ready', 'Jul  2 09:00:57 host kernel: ready']);
    assert.deepEqual(patterns(drain), ['Jul  <_> <_> host kernel: ready']);
  });

  it('prints logfmt clusters as logfmt', () => {
    const drain = new Drain(DEFAULT_PATTERN_DETECTOR_CONFIG, new LogfmtTokenizer(3000));
    train(drain, [
      'ts=2024-05-01T10:00:00Z level=info msg="request served" status=200 duration=12ms',
      'ts=2024-05-01T10:00:01Z level=info msg="request served" status=200 duration=7ms',
    ]);
    assert.deepEqual(patterns(drain), ['ts=<_> level=info msg="request served" status=200 duration=<_>']);
  });
});
