import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatNamespacesYaml,
  formatRuleGroupYaml,
  parseRuleFile,
  parseRuleGroup,
  RuleFormatError,
  toDesc,
  validateGroups,
} from './rule-group.js';

const GROUP = `name: errors
interval: 30s
limit: 5
rules:
  - alert: HighErrorRate
    expr: sum by (app) (rate({app="web"} |= "error" [5m])) > 10
    for: 5m
    keep_firing_for: 2m
    labels:
      severity: page
      team: 42
    annotations:
      summary: "{{ $labels.app }} errors at {{ $value | humanize }}/s"
  - record: app:errors:rate5m
    expr: sum by (app) (rate({app="web"} |= "error" [5m]))
    labels:
      source: loki
`;

test('a rule group is read with durations, limit, labels and annotations (scalars kept as written)', () => {
  const g = parseRuleGroup(GROUP);
  assert.equal(g.name, 'errors');
  assert.equal(g.intervalMs, 30_000);
  assert.equal(g.limit, 5);
  assert.equal(g.rules.length, 2);
  const [alert, record] = g.rules;
  assert.equal(alert!.alert, 'HighErrorRate');
  assert.equal(alert!.forMs, 300_000);
  assert.equal(alert!.keepFiringForMs, 120_000);
  assert.deepEqual(alert!.labels, [
    { name: 'severity', value: 'page' },
    { name: 'team', value: '42' },
  ]);
  assert.equal(alert!.annotations[0]!.value, '{{ $labels.app }} errors at {{ $value | humanize }}/s');
  assert.equal(record!.record, 'app:errors:rate5m');
  assert.deepEqual(validateGroups([g]), []);
});

test('the API ignores unknown keys but a rule file refuses them with the yaml.v3 message', () => {
  assert.equal(parseRuleGroup('name: a\nsurprise: 1\nrules: []\n').name, 'a');
  assert.throws(
    () => parseRuleFile('groups:\n  - name: a\n    surprise: 1\n    rules: []\n'),
    (err: unknown) =>
      err instanceof RuleFormatError &&
      err.message === 'yaml: unmarshal errors:\n  line 3: field surprise not found in type rulefmt.RuleGroup',
  );
});

test('type mismatches and bad durations are decoding errors', () => {
  assert.throws(() => parseRuleGroup('name: a\nrules: nope\n'), /line 2: cannot unmarshal !!str into \[\]rulefmt.Rule/);
  assert.throws(() => parseRuleGroup('name: a\nlimit: lots\n'), /cannot unmarshal !!str `lots` into int/);
  assert.throws(
    () => parseRuleGroup('name: a\ninterval: soon\n'),
    /^RuleFormatError: not a valid duration string: "soon"$/,
  );
  assert.throws(() => parseRuleGroup('name: [a\n'), /^RuleFormatError: yaml: line \d+: /);
});

test('validation reports Loki’s message for each kind of broken rule', () => {
  const cases: Array<[string, string]> = [
    ['- {expr: "sum(rate({a=\\"b\\"}[1m]))"}', "one of 'record' or 'alert' must be set"],
    ['- {alert: A, record: b, expr: "1"}', "only one of 'record' and 'alert' must be set"],
    ['- {alert: A}', "field 'expr' must be set in rule"],
    [
      '- {record: r, expr: "{a=\\"b\\"}"}',
      "could not parse expression for record 'r' in group 'g': only sample expression supported",
    ],
    ['- {record: r, expr: "1", annotations: {a: b}}', "invalid field 'annotations' in recording rule"],
    ['- {record: r, expr: "1", for: 1m}', "invalid field 'for' in recording rule"],
    ['- {record: "not a name", expr: "1"}', 'invalid recording rule name: not a name'],
    ['- {alert: A, expr: "1", labels: {__name__: x}}', 'invalid label name: __name__'],
    ['- {alert: A, expr: "1", labels: {"a-b": x}}', 'invalid label name: a-b'],
    ['- {alert: A, expr: "1", annotations: {"a b": x}}', 'invalid annotation name: a b'],
    [
      '- {alert: A, expr: "1", annotations: {summary: "{{ nope }}"}}',
      'annotation "summary": template: __alert_A:1: function "nope" not defined',
    ],
  ];
  for (const [rules, message] of cases) {
    const g = parseRuleGroup(`name: g\nrules:\n  ${rules}\n`);
    assert.deepEqual(validateGroups([g]), [message], rules);
  }
});

test('an expression LogQL cannot parse is reported with the parser’s position', () => {
  const g = parseRuleGroup('name: g\nrules:\n  - {alert: A, expr: "sum(rate({a=\\"b\\"}[1m])"}\n');
  const [err] = validateGroups([g]);
  assert.match(
    err!,
    /^could not parse expression for alert 'A' in group 'g': parse error at line 1, col \d+: syntax error/,
  );
});

test('group names must be present and unique within a file', () => {
  const groups = parseRuleFile(
    'groups:\n  - name: ""\n    rules: []\n  - name: x\n    rules: []\n  - name: x\n    rules: []\n',
  );
  assert.deepEqual(validateGroups(groups), [
    'group 0: Groupname must not be empty',
    'groupname: "x" is repeated in the same file',
  ]);
});

test('a group is written back as rulefmt YAML: empty fields left out, durations in Prometheus notation', () => {
  const yaml = formatRuleGroupYaml(parseRuleGroup(GROUP));
  assert.equal(
    yaml,
    `name: errors
interval: 30s
limit: 5
rules:
    - alert: HighErrorRate
      expr: sum by (app) (rate({app="web"} |= "error" [5m])) > 10
      for: 5m
      keep_firing_for: 2m
      labels:
          severity: page
          team: "42"
      annotations:
          summary: '{{ $labels.app }} errors at {{ $value | humanize }}/s'
    - record: app:errors:rate5m
      expr: sum by (app) (rate({app="web"} |= "error" [5m]))
      labels:
          source: loki
`,
  );
  assert.deepEqual(parseRuleGroup(yaml), parseRuleGroup(GROUP));
});

test('groups are listed by namespace in sorted order', () => {
  const g = parseRuleGroup('name: g\nrules:\n  - record: a\n    expr: vector(1)\n');
  const yaml = formatNamespacesYaml([toDesc('t', 'zeta', g), toDesc('t', 'alpha', g)]);
  assert.ok(yaml.startsWith('alpha:\n    - name: g\n'), yaml);
  assert.ok(yaml.indexOf('zeta:') > yaml.indexOf('alpha:'));
});
