import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getLabel, type Labels, labelsFromRecord, labelsToString } from '../util/labels.js';
import { DEFAULT_PATTERN_DETECTOR_CONFIG } from './config.js';
import { PatternDetector } from './pattern-detector.js';
import type { PatternSeries } from './query.js';

const SEC = 1_000_000_000n;
const BASE = 1_700_000_000n * SEC;
const HOUR_MS = 3_600_000;

function observeMany(
  detector: PatternDetector,
  tenant: string,
  stream: Record<string, string>,
  count: number,
  line: (i: number) => string,
  options: { startNs?: bigint; level?: string } = {},
): void {
  const labels = labelsFromRecord(stream);
  const key = labelsToString(labels);
  for (let i = 0; i < count; i++) {
    detector.observe(tenant, key, labels, (options.startNs ?? BASE) + BigInt(i) * SEC, line(i), options.level);
  }
}

function query(detector: PatternDetector, tenant: string, match: (labels: Labels) => boolean = () => true) {
  return detector.query(tenant, match, BASE - 3600n * SEC, BASE + 7200n * SEC, 60n * SEC);
}

const summary = (series: PatternSeries[]) =>
  series.map((s) => `${s.level} ${s.samples.reduce((n, [, c]) => n + c, 0)} ${s.pattern}`);

describe('pattern detector', () => {
  it('keeps tenants apart', () => {
    const detector = new PatternDetector();
    observeMany(detector, 'team-a', { app: 'x' }, 30, (i) => `order ${i} shipped to customer`);
    observeMany(detector, 'team-b', { app: 'x' }, 30, (i) => `invoice ${i} sent by mail`);
    assert.deepEqual(summary(query(detector, 'team-a')), ['unknown 30 order <_> shipped to customer']);
    assert.deepEqual(summary(query(detector, 'team-b')), ['unknown 30 invoice <_> sent by mail']);
    assert.deepEqual(query(detector, 'nobody'), []);
  });

  it('reads only the streams the selector matches', () => {
    const detector = new PatternDetector();
    observeMany(detector, 't', { service_name: 'api' }, 30, (i) => `api served request ${i} fine`);
    observeMany(detector, 't', { service_name: 'db' }, 30, (i) => `db ran query ${i} fine`);
    const onlyDb = (labels: Labels) => getLabel(labels, 'service_name') === 'db';
    assert.deepEqual(summary(query(detector, 't', onlyDb)), ['unknown 30 db ran query <_> fine']);
  });

  it('groups patterns by detected level, lower-cased, with unknown for missing or unexpected levels', () => {
    const detector = new PatternDetector();
    const line = (i: number) => `attempt ${i} to reach upstream`;
    observeMany(detector, 't', { app: 'a' }, 30, line, { level: 'WARN' });
    observeMany(detector, 't', { app: 'b' }, 30, line, { level: 'loud' });
    observeMany(detector, 't', { app: 'c' }, 30, line);
    assert.deepEqual(summary(query(detector, 't')), [
      'unknown 60 attempt <_> to reach upstream',
      'warn 30 attempt <_> to reach upstream',
    ]);
  });

  it('picks a stream tokenizer from its first line', () => {
    const detector = new PatternDetector();
    observeMany(detector, 't', { app: 'json' }, 30, (i) => `{"level":"info","msg":"user ${i} signed in","i":${i}}`);
    observeMany(detector, 't', { app: 'logfmt' }, 30, (i) => `level=info msg="cache miss" key=k${i}`);
    const json = detector.stream('t', '{app="json"}')!;
    assert.equal(json.format, 'json');
    assert.equal(detector.stream('t', '{app="logfmt"}')!.format, 'logfmt');
    assert.deepEqual(summary(query(detector, 't')), [
      'unknown 30 <_>user <_> signed in<_>',
      'unknown 30 level=info msg="cache miss" key=<_>',
    ]);
  });

  it('ignores lines older than the newest line of their stream', () => {
    const detector = new PatternDetector();
    observeMany(detector, 't', { app: 'a' }, 30, (i) => `step ${i} completed without errors`);
    observeMany(detector, 't', { app: 'a' }, 10, (i) => `step ${i} completed without errors`, {
      startNs: BASE - 100n * SEC,
    });
    assert.deepEqual(summary(query(detector, 't')), ['unknown 30 step <_> completed without errors']);
  });

  it('does not mine the streams Loki writes itself', () => {
    const detector = new PatternDetector();
    observeMany(detector, 't', { __pattern__: 'svc' }, 30, (i) => `pattern entry ${i} for svc`);
    observeMany(detector, 't', { __aggregated_metric__: 'svc' }, 30, (i) => `metric entry ${i} for svc`);
    assert.equal(detector.streamCount('t'), 0);
  });

  it('forgets what is older than retain_for, and then the streams left empty', () => {
    const nowMs = Number((BASE + 3600n * SEC) / 1_000_000n);
    const detector = new PatternDetector({ ...DEFAULT_PATTERN_DETECTOR_CONFIG, retainForMs: 3 * HOUR_MS });
    observeMany(detector, 't', { app: 'old' }, 30, (i) => `legacy ${i} still running here`);
    observeMany(detector, 't', { app: 'new' }, 30, (i) => `modern ${i} just started here`, {
      startNs: BASE + 3n * 3600n * SEC,
    });
    detector.prune(nowMs + 3 * HOUR_MS);
    assert.equal(detector.streamCount('t'), 1);
    assert.equal(detector.stream('t', '{app="old"}'), undefined);
    detector.prune(nowMs + 10 * HOUR_MS);
    assert.equal(detector.streamCount('t'), 0);
  });

  it('re-detects the format of a stream that was pruned away', () => {
    const detector = new PatternDetector();
    observeMany(detector, 't', { app: 'a' }, 5, (i) => `plain text line ${i} here`);
    detector.prune(Number(BASE / 1_000_000n) + 10 * HOUR_MS);
    observeMany(detector, 't', { app: 'a' }, 5, (i) => `k=v n=${i}`, { startNs: BASE + 36_000n * SEC });
    assert.equal(detector.stream('t', '{app="a"}')!.format, 'logfmt');
  });

  it('takes entries as the push path holds them: line bytes, seconds and nanoseconds, detected_level metadata', () => {
    const detector = new PatternDetector();
    const labels = labelsFromRecord({ app: 'bytes' });
    const key = labelsToString(labels);
    for (let i = 0; i < 30; i++) {
      detector.observeEntry('t', key, labels, {
        sec: 1_700_000_000 + i,
        nanos: 500_000_000,
        line: Buffer.from(`café ${i} servi — merci`),
        structuredMetadata: [
          { name: 'trace_id', value: 'abc' },
          { name: 'detected_level', value: 'Debug' },
        ],
      });
    }
    assert.deepEqual(summary(query(detector, 't')), ['debug 30 café <_> servi — merci']);
  });

  it('reads the same pattern from a line given as text or as bytes', () => {
    const fromText = new PatternDetector();
    const fromBytes = new PatternDetector();
    const line = (i: number) => `naïve request ${i} « ok »`;
    observeMany(fromText, 't', { app: 'a' }, 30, line);
    const labels = labelsFromRecord({ app: 'a' });
    for (let i = 0; i < 30; i++) {
      fromBytes.observe('t', labelsToString(labels), labels, BASE + BigInt(i) * SEC, Buffer.from(line(i)));
    }
    assert.deepEqual(query(fromBytes, 't'), query(fromText, 't'));
    assert.deepEqual(summary(query(fromText, 't')), ['unknown 30 naïve request <_> « ok »']);
  });

  it('trains lines that share the newest timestamp', () => {
    const detector = new PatternDetector();
    const labels = labelsFromRecord({ app: 'a' });
    for (let i = 0; i < 30; i++) {
      detector.observe('t', '{app="a"}', labels, BASE, `same instant ${i} different line`);
    }
    assert.deepEqual(summary(query(detector, 't')), ['unknown 30 same instant <_> different line']);
  });

  it('rejects a sample interval that is not positive', () => {
    assert.throws(() => new PatternDetector({ ...DEFAULT_PATTERN_DETECTOR_CONFIG, sampleIntervalMs: 0 }));
  });
});
