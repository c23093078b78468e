import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TemplateExecError } from './exec.js';
import { fn } from './functions.js';
import { createLokiFunctions } from './loki-functions.js';
import { TemplateParseError } from './parser.js';
import { compileTemplate, type Template } from './template.js';
import type { GoValue } from './values.js';

const functions = createLokiFunctions({ localTimeZone: 'UTC' });

describe('compileTemplate', () => {
  it('throws TemplateParseError with Go wording', () => {
    assert.throws(
      () => compileTemplate('{{ foo }}', { functions }),
      (err: unknown) =>
        err instanceof TemplateParseError && err.message === 'template: line:1: function "foo" not defined',
    );
  });

  it('uses the given name in messages, as label_format does', () => {
    assert.throws(
      () => compileTemplate('{{ .a', { name: 'label' }),
      (err: unknown) => err instanceof TemplateParseError && err.message === 'template: label:1: unclosed action',
    );
  });
});

describe('Template.execute', () => {
  const labels = new Map([
    ['app', 'api'],
    ['status', '500'],
  ]);

  it('reads labels from a Map or a lookup function', () => {
    const t = compileTemplate('{{ .app | upper }}-{{ .status }}-{{ .none }}', { functions });
    assert.equal(t.execute(labels), 'API-500-');
    assert.equal(
      t.execute((k) => labels.get(k)),
      'API-500-',
    );
  });

  it('gives the same result on the text-and-labels fast path as the full executor', () => {
    const fast = compileTemplate('a {{.app}} b {{ .none }} c', { functions });
    const slow = compileTemplate('a {{.app}} b {{ .none }} c{{ "" }}', { functions });
    assert.equal(fast.execute(labels), slow.execute(labels));
  });

  it('prints <no value> for missing labels under missingkey=default', () => {
    const t = compileTemplate('{{ .none }}', { missingKey: 'default' });
    assert.equal(t.execute(labels), '<no value>');
  });

  it('reports missing labels under missingkey=error', () => {
    const t = compileTemplate('{{ .none }}', { missingKey: 'error' });
    assert.throws(
      () => t.execute(labels),
      (err: unknown) =>
        err instanceof TemplateExecError &&
        err.message === 'template: line:1:3: executing "line" at <.none>: map has no entry for key "none"',
    );
  });

  it('passes the line and timestamp to __line__ and __timestamp__', () => {
    const t = compileTemplate('{{ __line__ }} @ {{ __timestamp__ | unixEpochNanos }}', { functions });
    assert.equal(t.execute(labels, { line: 'msg', timestampNs: 1700000000123456789n }), 'msg @ 1700000000123456789');
  });

  it('decodes a byte line only for templates that read it', () => {
    const t = compileTemplate('{{ __line__ | len }}', { functions });
    assert.equal(t.execute(labels, { line: Buffer.from('héllo'), timestampNs: 0n }), '6');
  });

  it('ranges over the label set in key order when the source can list it', () => {
    const t = compileTemplate('{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}{{ len . }}');
    assert.equal(t.execute(labels), 'app=api;status=500;2');
    // A bare lookup function cannot be listed, so it looks empty.
    assert.equal(
      t.execute((k) => labels.get(k)),
      '0',
    );
  });

  it('is reusable across lines and recovers after an error', () => {
    const t = compileTemplate('{{ if eq .status "500" }}{{ .app }}{{ else }}{{ div 1 0 }}{{ end }}', { functions });
    assert.equal(t.execute(labels), 'api');
    assert.throws(() => t.execute(new Map([['status', '200']])), TemplateExecError);
    assert.equal(t.execute(labels), 'api');
  });

  it('supports a function that executes the same template again', () => {
    let self: Template | undefined;
    const t = compileTemplate('{{ if .depth }}[{{ .depth }}{{ again }}]{{ end }}', {
      functions: {
        again: fn([], () => self!.execute(new Map([['depth', '']]))),
      },
    });
    self = t;
    assert.equal(t.execute(new Map([['depth', '1']])), '[1]');
  });

  it('executes arbitrary data with executeData', () => {
    const t = compileTemplate('{{ range .items }}{{ .name }}:{{ .n }} {{ end }}', { missingKey: 'error' });
    assert.equal(
      t.executeData({
        items: [
          { name: 'a', n: 1.5 },
          new Map<string, GoValue>([
            ['name', 'b'],
            ['n', 2n],
          ]),
        ],
      }),
      'a:1.5 b:2 ',
    );
  });

  it('treats object keys such as constructor as plain map keys', () => {
    const t = compileTemplate('[{{ .constructor }}][{{ .toString }}]', { missingKey: 'default' });
    assert.equal(t.executeData({ toString: 'x' }), '[<no value>][x]');
  });
});

describe('Template.referencedFields', () => {
  const fieldsOf = (text: string): [readonly string[], boolean] => {
    const t = compileTemplate(text, { functions });
    return [t.referencedFields, t.readsAllFields];
  };

  it('lists labels in order of first use, like Loki', () => {
    assert.deepEqual(fieldsOf('{{.foo}} and {{.bar}} {{ .foo }}'), [['foo', 'bar'], false]);
    assert.deepEqual(fieldsOf('{{ .foo | ToUpper | .buzz }} and {{.bar}}'), [['foo', 'buzz', 'bar'], false]);
    assert.deepEqual(fieldsOf('{{ regexReplaceAllLiteral "(p)" .foo "$1" }}'), [['foo'], false]);
    assert.deepEqual(fieldsOf('{{ if .foo | hasSuffix "Ip" }} {{.bar}} {{end}}'), [['foo', 'bar'], false]);
  });

  it('does not treat dot inside with as the label set', () => {
    assert.deepEqual(fieldsOf('{{with .foo}}{{printf "%q" .}} {{else}} {{ .buzz | lower }} {{end}}'), [
      ['foo', 'buzz'],
      false,
    ]);
  });

  it('includes $.label and labels read in defined templates', () => {
    assert.deepEqual(fieldsOf('{{define "x"}}{{.inner}}{{end}}{{ with .a }}{{ $.b }}{{ end }}{{ template "x" . }}'), [
      ['a', 'b', 'inner'],
      true,
    ]);
  });

  it('flags templates that read the whole label set', () => {
    assert.equal(fieldsOf('{{ . }}')[1], true);
    assert.equal(fieldsOf('{{ index . "x" }}')[1], true);
    assert.equal(fieldsOf('{{ range $k, $v := $ }}{{ end }}')[1], true);
    assert.equal(fieldsOf('{{ .a }}')[1], false);
  });
});
