import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LabelsBuilder } from './labels-builder.js';
import { buildParserHints } from './parser-hints.js';

function labels(record: Record<string, string>) {
  return Object.entries(record).map(([name, value]) => ({ name, value }));
}

function setup(stream: Record<string, string>) {
  const b = new LabelsBuilder();
  const s = b.registerStream(labels(stream));
  b.beginLine(s, 0n, 0);
  return { b, s };
}

describe('LabelsBuilder', () => {
  it('returns the stream result itself when a line changes nothing', () => {
    const { b, s } = setup({ app: 'foo', env: 'prod' });
    assert.equal(b.labelsResult(), s.result);
    assert.equal(s.result.key, '{app="foo", env="prod"}');
  });

  it('lets parsed labels shadow structured metadata and stream labels', () => {
    const { b } = setup({ app: 'foo' });
    b.addStructuredMetadata(labels({ trace: 't1' }));
    b.setParsed(b.slot('trace'), 'parsed');
    b.setParsed(b.slot('app'), 'bar');
    const r = b.labelsResult();
    assert.equal(r.key, '{app="bar", trace="parsed"}');
    assert.deepEqual(
      r.parsed.map((l) => l.name),
      ['app', 'trace'],
    );
    assert.deepEqual(r.stream, []);
    assert.deepEqual(r.structuredMetadata, []);
  });

  it('does not let structured metadata overwrite a parsed label', () => {
    const { b } = setup({});
    b.setParsed(b.slot('a'), 'parsed');
    b.setStructuredMetadata(b.slot('a'), 'meta');
    assert.equal(b.get(b.slot('a')), 'parsed');
  });

  it('renames structured metadata that collides with a stream label', () => {
    const { b } = setup({ pod: 'p1' });
    b.addStructuredMetadata(labels({ pod: 'p2', __error__: 'E', __error_details__: 'D' }));
    const r = b.labelsResult();
    assert.equal(r.key, '{__error__="E", __error_details__="D", pod="p1", pod_extracted="p2"}');
    assert.deepEqual(
      r.structuredMetadata.map((l) => l.name),
      ['pod_extracted'],
    );
    assert.equal(b.error, 'E');
  });

  it('deletes labels of any category, and a later parse brings them back', () => {
    const { b } = setup({ app: 'foo', env: 'prod' });
    const app = b.slot('app');
    b.del(app);
    assert.equal(b.get(app), undefined);
    assert.equal(b.labelsResult().key, '{env="prod"}');
    b.setParsed(app, 'again');
    assert.equal(b.labelsResult().key, '{app="again", env="prod"}');
  });

  it('adds error labels only when set, and ignores details alone on an unchanged line', () => {
    const { b, s } = setup({ app: 'foo' });
    b.setErrorDetails('only details');
    assert.equal(b.labelsResult(), s.result);
    b.setError('JSONParserErr');
    assert.equal(b.labelsResult().key, '{__error__="JSONParserErr", __error_details__="only details", app="foo"}');
  });

  it('starts each line fresh', () => {
    const { b, s } = setup({ app: 'foo' });
    b.setParsed(b.slot('x'), '1');
    b.setError('E');
    b.beginLine(s, 0n, 0);
    assert.equal(b.labelsResult(), s.result);
    assert.equal(b.get(b.slot('x')), undefined);
    assert.equal(b.error, '');
  });

  it('interns equal label sets into one result, whatever the order they were produced in', () => {
    const { b, s } = setup({ app: 'foo' });
    b.setParsed(b.slot('a'), '1');
    b.setParsed(b.slot('b'), '2');
    const first = b.labelsResult();
    b.beginLine(s, 0n, 0);
    b.setParsed(b.slot('b'), '2');
    b.setParsed(b.slot('a'), '1');
    assert.equal(b.labelsResult(), first);
    b.beginLine(s, 0n, 0);
    b.setParsed(b.slot('a'), '1');
    b.setParsed(b.slot('b'), '3');
    assert.notEqual(b.labelsResult(), first);
    assert.equal(b.labelsResult().key, '{a="1", app="foo", b="3"}');
  });

  it('keeps streams apart when switching between them line by line', () => {
    const b = new LabelsBuilder();
    const s1 = b.registerStream(labels({ app: 'one' }));
    const s2 = b.registerStream(labels({ env: 'two' }));
    b.beginLine(s1, 0n, 0);
    assert.equal(b.get(b.slot('app')), 'one');
    b.beginLine(s2, 0n, 0);
    assert.equal(b.get(b.slot('app')), undefined);
    assert.ok(!b.isTaken(b.slot('app')));
    assert.ok(b.isTaken(b.slot('env')));
  });

  it('groups with `by`, skipping labels that were deleted even if parsed again', () => {
    const { b, s } = setup({ app: 'foo', env: 'prod', pod: 'p' });
    const g = b.grouping(['env', 'level', 'pod'], false, false);
    assert.equal(b.groupedLabels(g).key, '{env="prod", pod="p"}');
    b.beginLine(s, 0n, 0);
    b.setParsed(b.slot('level'), 'info');
    b.del(b.slot('pod'));
    b.setParsed(b.slot('pod'), 'again');
    assert.equal(b.groupedLabels(g).key, '{env="prod", level="info"}');
  });

  it('groups with `without` and keeps everything on an errored line', () => {
    const { b, s } = setup({ app: 'foo', env: 'prod' });
    const g = b.grouping(['env', 'level'], true, false);
    b.setParsed(b.slot('level'), 'info');
    b.setParsed(b.slot('msg'), 'hi');
    assert.equal(b.groupedLabels(g).key, '{app="foo", msg="hi"}');
    b.beginLine(s, 0n, 0);
    b.setError('SampleExtractionErr', 'bad');
    assert.equal(
      b.groupedLabels(g).key,
      '{__error__="SampleExtractionErr", __error_details__="bad", app="foo", env="prod"}',
    );
  });

  it('returns no labels for an aggregation that keeps none', () => {
    const { b } = setup({ app: 'foo' });
    const g = b.grouping([], false, true);
    b.setParsed(b.slot('x'), '1');
    assert.equal(b.groupedLabels(g).key, '{}');
  });

  it('exposes the template view: stream labels when unchanged, everything otherwise', () => {
    const { b } = setup({ app: 'foo' });
    const m = new Map<string, string>();
    b.setErrorDetails('d');
    b.fillMap(m);
    assert.deepEqual([...m], [['app', 'foo']]);
    b.setError('E');
    b.fillMap(m);
    assert.deepEqual([...m].sort(), [
      ['__error__', 'E'],
      ['__error_details__', 'd'],
      ['app', 'foo'],
    ]);
  });

  it('tracks extraction and hinted labels per line', () => {
    const b = new LabelsBuilder();
    b.applyHints(buildParserHints({ stageLabels: [], groups: ['a', 'b'], without: false, noLabels: false }));
    const s = b.registerStream([]);
    b.beginLine(s, 0n, 0);
    assert.ok(!b.slot('c').extractable);
    b.setParsed(b.slot('a'), '1');
    assert.ok(b.extracted(b.slot('a')));
    assert.ok(!b.allRequiredExtracted());
    b.setParsed(b.slot('b'), '2');
    assert.ok(b.allRequiredExtracted());
    assert.ok(b.noLabels());
    b.beginLine(s, 0n, 0);
    assert.ok(!b.extracted(b.slot('a')));
    assert.ok(!b.noLabels());
  });

  it('combines the timestamp only when asked', () => {
    const { b, s } = setup({});
    b.beginLine(s, 1_000_000_000_000_000_000n, 5);
    assert.equal(b.timestampNs(), 1_000_000_000_000_000_005n);
  });
});
