import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reorderStages } from './compile-stages.js';
import { StageCompileError } from './errors.js';
import type { StageOptions } from './options.js';
import { compilePipeline } from './pipeline.js';
import { fakeCompileTemplate } from './testdata/fake-template.js';

const lf = (name: string): StageOptions => ({ kind: 'lineFilter', matcher: { matchString: (l) => l.includes(name) } });

function kinds(stages: readonly StageOptions[]): string[] {
  return stages.map((s) => (s.kind === 'lineFilter' ? `filter` : s.kind));
}

describe('reorderStages', () => {
  it('moves line filters before parsers and other label stages', () => {
    const out = reorderStages([
      { kind: 'json' },
      lf('a'),
      { kind: 'drop', labels: [] },
      lf('b'),
      { kind: 'decolorize' },
    ]);
    assert.deepEqual(kinds(out), ['filter', 'filter', 'json', 'drop', 'decolorize']);
  });

  it('never moves a line filter past a label filter, a line_format or an unpack', () => {
    const labelFilter: StageOptions = {
      kind: 'labelFilter',
      filter: { kind: 'string', name: 'a', op: '=', value: '' },
    };
    const out = reorderStages([
      { kind: 'logfmt' },
      labelFilter,
      { kind: 'json' },
      lf('a'),
      { kind: 'lineFormat', template: 'x' },
      lf('b'),
      { kind: 'unpack' },
      { kind: 'logfmt' },
      lf('c'),
    ]);
    assert.deepEqual(kinds(out), [
      'logfmt',
      'labelFilter',
      'filter',
      'json',
      'lineFormat',
      'filter',
      'unpack',
      'filter',
      'logfmt',
    ]);
  });
});

describe('stage compilation errors', () => {
  const cases: Array<[string, StageOptions, string]> = [
    ['regexp without groups', { kind: 'regexp', pattern: 'abc' }, 'at least one named capture must be supplied'],
    [
      'regexp with unnamed groups only',
      { kind: 'regexp', pattern: '(a)(b)' },
      'at least one named capture must be supplied',
    ],
    ['invalid regexp', { kind: 'regexp', pattern: '(?P<a>x' }, 'error parsing regexp: missing closing ): `(?P<a>x`'],
    [
      'duplicate regexp names',
      { kind: 'regexp', pattern: 'blah (.*) (?P<foo>foo)(?P<foo>barr)' },
      'error parsing regexp: duplicate capture group name: `foo`',
    ],
    ['pattern without captures', { kind: 'pattern', pattern: 'foo <_>' }, 'at least one capture is required'],
    [
      'consecutive captures',
      { kind: 'pattern', pattern: '<a><b>' },
      "found consecutive capture '<a><b>': invalid expression",
    ],
    [
      'bad json expression',
      { kind: 'json', params: [{ label: 'a', expression: 'field with space' }] },
      'cannot parse expression [field with space]: syntax error: unexpected FIELD',
    ],
    [
      'bad logfmt expression',
      { kind: 'logfmt', params: [{ label: 'app', expression: 'field with space' }] },
      'cannot parse expression [field with space]: syntax error: unexpected KEY',
    ],
    [
      'label_format on __error__',
      { kind: 'labelFormat', ops: [{ kind: 'rename', dst: '__error__', src: 'a' }] },
      '__error__ cannot be formatted',
    ],
    [
      'label_format with a repeated name',
      {
        kind: 'labelFormat',
        ops: [
          { kind: 'rename', dst: 'foo', src: 'bar' },
          { kind: 'template', dst: 'foo', template: 'new' },
        ],
      },
      "multiple label name 'foo' not allowed in a single format operation",
    ],
    [
      'bad line template',
      { kind: 'lineFormat', template: '{{.a' },
      'invalid line template: template: line:1: unclosed action',
    ],
    [
      'bad label template',
      { kind: 'labelFormat', ops: [{ kind: 'template', dst: 'x', template: '{{.a' }] },
      "invalid template for label 'x': template: label:1: unclosed action",
    ],
    [
      'bad ip pattern',
      { kind: 'labelFilter', filter: { kind: 'ip', name: 'addr', op: '=', pattern: 'not-an-ip' } },
      'ip: invalid pattern: "not-an-ip"',
    ],
    [
      'bad label filter regexp',
      { kind: 'labelFilter', filter: { kind: 'string', name: 'a', op: '=~', value: '(' } },
      'error parsing regexp: missing closing ): `(`',
    ],
  ];
  for (const [name, stage, message] of cases) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => compilePipeline([stage], { compileTemplate: fakeCompileTemplate }),
        (err: unknown) => err instanceof StageCompileError && err.message === message,
      );
    });
  }

  it('needs a template engine for line_format', () => {
    assert.throws(() => compilePipeline([{ kind: 'lineFormat', template: '{{.a}}' }]), StageCompileError);
  });
});
