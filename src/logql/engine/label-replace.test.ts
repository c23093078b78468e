import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileGoRegexp } from '../../util/regexp.js';
import { ParseError } from '../syntax/errors.js';
import { compileLabelReplaceRegexp, expandTemplate, labelReplace } from './label-replace.js';
import type { StepMatrix } from './types.js';

function expand(template: string, pattern: string, src: string): string {
  const re = compileGoRegexp(pattern);
  const m = re.exec(src);
  assert.ok(m, `${pattern} does not match ${src}`);
  return expandTemplate(template, src, m, re.groupNames);
}

// Templates are Go's `$1` / `${name}` syntax, not JavaScript placeholders.
test('templates expand numbered and named groups as Go does', () => {
  assert.equal(expand('$1-$2', '(a)(b)', 'ab'), 'a-b');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Go template
  assert.equal(expand('${1}x', '(a)', 'a'), 'ax');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Go template
  assert.equal(expand('$name/${name}', '(?P<name>\\w+)', 'svc'), 'svc/svc');
  assert.equal(expand('$10', '(a)', 'a'), '');
  assert.equal(expand('$01', '(a)', 'a'), '');
});

test('the longest name wins, so $1x names a group "1x"', () => {
  assert.equal(expand('$1x', '(a)', 'a'), '');
});

test('$$ is a dollar and a malformed reference keeps its dollar', () => {
  assert.equal(expand('$$1', '(a)', 'a'), '$1');
  assert.equal(expand('cost: $', '(a)', 'a'), 'cost: $');
  assert.equal(expand('${1', '(a)', 'a'), '${1');
  assert.equal(expand('$-', '(a)', 'a'), '$-');
});

test('unmatched optional groups expand to nothing', () => {
  assert.equal(expand('[$1][$2]', '(a)|(b)', 'b'), '[][b]');
});

test('a reference may name any letters, even ones no group can have', () => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Go template
  assert.equal(expand('[${ñ}]', '(a)', 'a'), '[]');
});

test('an invalid regex is reported with Loki wording', () => {
  assert.throws(
    () => compileLabelReplaceRegexp('('),
    (err: unknown) =>
      err instanceof ParseError && err.message.startsWith('parse error : invalid regex in label_replace: '),
  );
});

test('label_replace keeps values and presence and sorts the new label in', () => {
  const input: StepMatrix = {
    grid: { startNs: 0n, stepNs: 1n, steps: 2 },
    series: [
      {
        labels: [
          { name: 'app', value: 'api-7' },
          { name: 'zone', value: 'eu' },
        ],
        values: Float64Array.of(1, 2),
        present: Uint8Array.of(1, 0),
      },
    ],
  };
  const out = labelReplace(input, { dst: 'num', replacement: '$1', src: 'app', regex: 'api-(\\d+)' });
  assert.deepEqual(out.series[0]!.labels, [
    { name: 'app', value: 'api-7' },
    { name: 'num', value: '7' },
    { name: 'zone', value: 'eu' },
  ]);
  assert.equal(out.series[0]!.values, input.series[0]!.values);
  assert.equal(out.series[0]!.present, input.series[0]!.present);
  // The regex is anchored: a partial match is no match.
  const same = labelReplace(input, { dst: 'num', replacement: '$1', src: 'app', regex: 'api' });
  assert.equal(same.series[0], input.series[0]);
});
