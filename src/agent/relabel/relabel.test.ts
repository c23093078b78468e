import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileGoRegexp } from '../../util/regexp.js';
import { expandTemplate, findAllSubmatchIndex } from './go-expand.js';
import { compileRelabelRule, DEFAULT_RELABEL, type RelabelConfig, relabel } from './relabel.js';

function rule(partial: Partial<RelabelConfig>) {
  return compileRelabelRule({ ...DEFAULT_RELABEL, source_labels: [], ...partial });
}

function run(rules: Partial<RelabelConfig>[], input: Record<string, string>) {
  const labels = new Map(Object.entries(input));
  const keep = relabel(rules.map(rule), labels);
  return { keep, labels: Object.fromEntries([...labels].sort()) };
}

describe('Go template expansion', () => {
  const re = compileGoRegexp('^(?s:(?P<first>[a-z]+)-([0-9]+))$');
  const src = 'web-42';
  const m = re.exec(src)!;

  it('expands numbered and named groups, braced or not', () => {
    assert.equal(expandTemplate(re, `$1/\${2}/$first`, src, m), 'web/42/web');
  });

  it('reads $1x as a group named "1x", which expands to nothing', () => {
    assert.equal(expandTemplate(re, `$1x|\${1}x`, src, m), '|webx');
  });

  it('keeps $$ as a dollar and a lone $ as text', () => {
    assert.equal(expandTemplate(re, '$$1 costs $', src, m), '$1 costs $');
  });

  it('finds every non-overlapping match', () => {
    const all = findAllSubmatchIndex(compileGoRegexp('a*'), 'baaab');
    assert.deepEqual(
      all.map((x) => [x[0], x[1]]),
      [
        [0, 0],
        [1, 4],
        [5, 5],
      ],
    );
  });
});

describe('relabel actions', () => {
  it('replace joins source labels with the separator and expands the replacement', () => {
    const out = run(
      [{ source_labels: ['a', 'b'], separator: '/', target_label: '__path__', replacement: '/var/log/pods/*$1/*.log' }],
      { a: 'uid', b: 'ctr' },
    );
    assert.equal(out.labels.__path__, '/var/log/pods/*uid/ctr/*.log');
  });

  it('replace leaves the labels alone when the anchored regex does not match', () => {
    const out = run([{ source_labels: ['a'], regex: 'b', target_label: 'x' }], { a: 'abc' });
    assert.deepEqual(out.labels, { a: 'abc' });
  });

  it('replace with an empty result removes the target label', () => {
    const out = run([{ source_labels: ['missing'], target_label: 'a' }], { a: 'x' });
    assert.deepEqual(out.labels, {});
  });

  it('replace expands the target label name too', () => {
    const out = run([{ source_labels: ['k'], regex: '(.+)', target_label: 'l_$1', replacement: 'v' }], { k: 'env' });
    assert.equal(out.labels.l_env, 'v');
  });

  it('keep and drop decide on the joined value', () => {
    assert.equal(run([{ action: 'keep', source_labels: ['a'], regex: 'x|y' }], { a: 'y' }).keep, true);
    assert.equal(run([{ action: 'keep', source_labels: ['a'], regex: 'x|y' }], { a: 'xy' }).keep, false);
    assert.equal(run([{ action: 'drop', source_labels: ['a'], regex: '.*' }], {}).keep, false);
  });

  it('dot matches newlines in relabel regexps', () => {
    assert.equal(run([{ action: 'keep', source_labels: ['a'], regex: 'x.y' }], { a: 'x\ny' }).keep, true);
  });

  it('keepequal and dropequal compare with the target label', () => {
    assert.equal(
      run([{ action: 'keepequal', source_labels: ['a'], target_label: 'b' }], { a: '1', b: '1' }).keep,
      true,
    );
    assert.equal(
      run([{ action: 'keepequal', source_labels: ['a'], target_label: 'b' }], { a: '1', b: '2' }).keep,
      false,
    );
    assert.equal(
      run([{ action: 'dropequal', source_labels: ['a'], target_label: 'b' }], { a: '1', b: '1' }).keep,
      false,
    );
  });

  it('hashmod uses the low 64 bits of the MD5 digest', () => {
    // md5("foo") = acbd18db4cc2f85cedef654fccc4a4d8; 0xedef654fccc4a4d8 % 10 = 6.
    const out = run([{ action: 'hashmod', source_labels: ['a'], modulus: 10, target_label: 'shard' }], { a: 'foo' });
    assert.equal(out.labels.shard, String(0xedef654fccc4a4d8n % 10n));
  });

  it('labelmap copies matching labels under the expanded name', () => {
    const out = run([{ action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)' }], {
      __meta_kubernetes_pod_label_app: 'web',
      other: 'x',
    });
    assert.deepEqual(out.labels, { __meta_kubernetes_pod_label_app: 'web', app: 'web', other: 'x' });
  });

  it('labeldrop and labelkeep filter label names', () => {
    assert.deepEqual(run([{ action: 'labeldrop', regex: 'tmp_.*' }], { tmp_a: '1', b: '2' }).labels, { b: '2' });
    assert.deepEqual(run([{ action: 'labelkeep', regex: 'tmp_.*' }], { tmp_a: '1', b: '2' }).labels, { tmp_a: '1' });
  });

  it('lowercase and uppercase write the converted value', () => {
    const out = run(
      [
        { action: 'lowercase', source_labels: ['a'], target_label: 'lo' },
        { action: 'uppercase', source_labels: ['a'], target_label: 'up' },
      ],
      { a: 'MiXeD' },
    );
    assert.equal(out.labels.lo, 'mixed');
    assert.equal(out.labels.up, 'MIXED');
  });

  it('the Helm chart rule picks the first non-empty of several labels', () => {
    const rules = [
      {
        source_labels: ['l1', 'l2', 'ctrl', 'pod'],
        regex: '^;*([^;]+)(;.*)?$',
        target_label: 'app',
      },
    ];
    assert.equal(run(rules, { l2: 'api', pod: 'api-123' }).labels.app, 'api');
    assert.equal(run(rules, { pod: 'solo' }).labels.app, 'solo');
  });

  it('the Helm chart strips the pod template hash from the controller name', () => {
    const out = run(
      [
        {
          source_labels: ['ctrl'],
          regex: '([0-9a-z-.]+?)(-[0-9a-f]{8,10})?',
          target_label: '__tmp_controller_name',
        },
      ],
      { ctrl: 'web-5d8f7b9c4d' },
    );
    assert.equal(out.labels.__tmp_controller_name, 'web');
  });
});

describe('relabel validation', () => {
  it('rejects rules with Prometheus wording', () => {
    assert.throws(() => rule({ action: 'hashmod', target_label: 'x' }), /requires non-zero modulus/);
    assert.throws(() => rule({ action: 'replace' }), /requires 'target_label' value/);
    assert.throws(() => rule({ action: 'bogus' }), /unknown relabel action "bogus"/);
    assert.throws(() => rule({ action: 'labeldrop', source_labels: ['a'] }), /requires only 'regex'/);
    assert.throws(() => rule({ action: 'lowercase', target_label: 'x', replacement: 'y' }), /can not be set/);
    assert.throws(() => rule({ regex: '(', target_label: 'x' }), /missing closing \)/);
  });

  it('accepts actions in any case', () => {
    assert.equal(rule({ action: 'Keep' }).action, 'keep');
  });
});
