import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Labels, labelsFromRecord } from '../../util/labels.js';
import { FieldDetector, FieldValueCollector, type SampledEntry } from './field-detector.js';
import { LineFieldParser } from './line-fields.js';

function entry(line: string, metadata: Record<string, string> = {}, parsed: Record<string, string> = {}): SampledEntry {
  const stream: Labels = labelsFromRecord({ app: 'api' });
  return { line, stream, structuredMetadata: labelsFromRecord(metadata), parsed: labelsFromRecord(parsed) };
}

function detect(entries: SampledEntry[], limit = 1000) {
  const d = new FieldDetector(limit, new LineFieldParser());
  for (const e of entries) d.add(e);
  return Object.fromEntries(d.result().map((f) => [f.label, f]));
}

describe('detected fields', () => {
  it('reports structured metadata with parsers null and parsed fields with their parser', () => {
    const fields = detect([entry('level=info status=200', { trace_id: 'abc' }), entry('{"user":{"id":7}}')]);
    assert.deepEqual(fields.trace_id, { label: 'trace_id', type: 'string', cardinality: 1, parsers: null });
    assert.deepEqual(fields.status, { label: 'status', type: 'int', cardinality: 1, parsers: ['logfmt'] });
    assert.deepEqual(fields.user_id, {
      label: 'user_id',
      type: 'int',
      cardinality: 1,
      parsers: ['json'],
      jsonPath: ['user', 'id'],
    });
  });

  it('counts distinct values as the cardinality', () => {
    const lines = ['status=200', 'status=500', 'status=200', 'status=404', 'status=500'].map((l) => entry(l));
    assert.equal(detect(lines).status!.cardinality, 3);
  });

  it('lists every parser that found a field', () => {
    const fields = detect([entry('{"level":"info"}'), entry('level=warn')]);
    assert.deepEqual(fields.level!.parsers, ['json', 'logfmt']);
  });

  it('takes the type from the last line examined, as Loki re-infers it per line', () => {
    assert.equal(detect([entry('took=1.5'), entry('took=2')]).took!.type, 'int');
    assert.equal(detect([entry('took=2'), entry('took=1.5')]).took!.type, 'float');
  });

  it('infers durations and byte sizes', () => {
    const fields = detect([entry('duration=123.4ms size=512.3KB ok=true')]);
    assert.equal(fields.duration!.type, 'duration');
    assert.equal(fields.size!.type, 'bytes');
    assert.equal(fields.ok!.type, 'boolean');
  });

  it('includes labels the query parsed, and a metadata field later found in lines gains the parser', () => {
    const fields = detect([entry('plain text', { level: 'info' }, { custom: 'x' }), entry('level=debug')]);
    assert.deepEqual(fields.custom!.parsers, ['logfmt']);
    assert.deepEqual(fields.level!.parsers, ['logfmt']);
    assert.equal(fields.level!.cardinality, 2);
  });

  it('stops adding new fields at the limit but keeps counting known ones', () => {
    const fields = detect([entry('a=1 b=2 c=3'), entry('a=4 d=5')], 2);
    assert.deepEqual(Object.keys(fields), ['a', 'b']);
    assert.equal(fields.a!.cardinality, 2);
  });

  it('drops the JSON path when the latest JSON line lacks it', () => {
    const fields = detect([entry('{"x":{"y":1}}', {}, {}), entry('{"z":1}', {}, { x_y: '2' })]);
    assert.equal(fields.x_y!.jsonPath, undefined);
  });
});

describe('detected field values', () => {
  function values(name: string, entries: SampledEntry[], limit = 1000): string[] {
    const c = new FieldValueCollector(name, limit, new LineFieldParser());
    for (const e of entries) c.add(e);
    return c.result();
  }

  it('collects distinct values from metadata and parsed lines, sorted', () => {
    const got = values('status', [entry('status=500'), entry('{"status":200}'), entry('x=1', { status: '404' })]);
    assert.deepEqual(got, ['200', '404', '500']);
  });

  it('writes byte sizes in the compact form a query accepts', () => {
    assert.deepEqual(values('size', [entry('size=12.3KB'), entry('size=1024')]), ['1024', '12kB']);
  });

  it('stops reading lines once the limit is reached', () => {
    const got = values(
      'n',
      ['n=1', 'n=2', 'n=3', 'n=4'].map((l) => entry(l)),
      2,
    );
    assert.deepEqual(got, ['1', '2']);
  });
});
