import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeRuleGroup, encodeRuleGroup } from './proto.js';
import type { RuleGroupDesc } from './rule-group.js';

test('the stored form is Loki’s RuleGroupDesc protobuf (keep_firing_for in field 13), also once the push decoder has turned off Long support', async () => {
  // Loaded after proto.js, before anything was encoded, as in the server: it turns off protobufjs' Long support.
  await import('../distributor/decode-protobuf.js');
  const g: RuleGroupDesc = {
    name: 'g',
    namespace: 'n',
    intervalMs: 60_000,
    limit: 3,
    user: 'u',
    rules: [
      {
        expr: 'e',
        record: '',
        alert: 'A',
        forMs: 1500,
        keepFiringForMs: 0,
        labels: [{ name: 'l', value: 'v' }],
        annotations: [],
      },
    ],
  };
  const bytes = encodeRuleGroup(g);
  // name=1 "g", namespace=2 "n", interval=3 {seconds: 60}, then the rule (field 4), user=6, limit=10.
  assert.ok(bytes.toString('hex').startsWith('0a0167' + '12016e' + '1a02083c'), bytes.toString('hex'));
  assert.ok(bytes.toString('hex').endsWith('320175' + '5003'));
  assert.deepEqual(decodeRuleGroup(bytes), g);
  const withKeep = { ...g, rules: [{ ...g.rules[0]!, keepFiringForMs: 2000 }] };
  assert.ok(encodeRuleGroup(withKeep).toString('hex').includes('6a020802'), 'field 13 holds {seconds: 2}');
  assert.deepEqual(decodeRuleGroup(encodeRuleGroup(withKeep)), withKeep);
});
