import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FilesystemObjectClient } from '../storage/objstore/filesystem.js';
import { InMemoryObjectClient } from '../storage/objstore/memory.js';
import { parseRuleGroup, type RuleGroupDesc, toDesc } from './rule-group.js';
import {
  base64Url,
  GroupNotFoundError,
  LocalRuleStore,
  NamespaceNotFoundError,
  ObjectRuleStore,
  ruleObjectKey,
} from './rule-store.js';

const FILE = `groups:
  - name: first
    rules:
      - record: a:b
        expr: sum(rate({app="x"}[1m]))
  - name: second
    interval: 2m
    rules:
      - alert: Down
        expr: sum(rate({app="x"}[1m])) == 0
        for: 1m
`;

function group(name: string, ns = 'ns', user = 'team-a'): RuleGroupDesc {
  return toDesc(user, ns, parseRuleGroup(`name: ${name}\nrules:\n  - record: r\n    expr: vector(1)\n`));
}

test('the local store reads <dir>/<tenant>/<file>, the file name being the namespace', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'skald-rules-'));
  try {
    await mkdir(join(dir, 'team-a', 'nested'), { recursive: true });
    await writeFile(join(dir, 'team-a', 'alerts.yaml'), FILE);
    // Editor swap files and Kubernetes' ConfigMap internals are skipped.
    await writeFile(join(dir, 'team-a', '.alerts.yaml.swp'), 'garbage');
    await mkdir(join(dir, '..data'), { recursive: true });
    await mkdir(join(dir, 'team-b'));
    await symlink(join(dir, 'team-a'), join(dir, 'team-c'));
    const store = new LocalRuleStore(dir);
    assert.deepEqual(await store.listAllUsers(), ['team-a', 'team-b', 'team-c']);
    const all = await store.listAllRuleGroups();
    assert.deepEqual(
      all.get('team-a')!.map((g) => [g.namespace, g.name, g.intervalMs]),
      [
        ['alerts.yaml', 'first', 0],
        ['alerts.yaml', 'second', 120_000],
      ],
    );
    assert.deepEqual(all.get('team-b'), []);
    assert.equal(all.get('team-c')!.length, 2, 'a linked tenant directory is followed');
    assert.equal((await store.listRuleGroupsForUserAndNamespace('team-a', 'alerts.yaml')).length, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the local store reports unreadable and invalid files with Loki’s wording, and refuses writes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'skald-rules-'));
  try {
    const store = new LocalRuleStore(dir);
    await assert.rejects(
      store.listRuleGroupsForUserAndNamespace('nobody', ''),
      new Error(`unable to read rule dir ${dir}/nobody: open ${dir}/nobody: no such file or directory`),
    );
    await mkdir(join(dir, 't'));
    await writeFile(join(dir, 't', 'bad.yaml'), 'groups:\n  - name: g\n    rules:\n      - alert: A\n');
    const file = join(dir, 't', 'bad.yaml');
    await assert.rejects(
      store.listAllRuleGroups(),
      new Error(
        `failed to list rule groups for user t: failed to list rule group for user t and namespace bad.yaml: error parsing ${file}: ${file}: field 'expr' must be set in rule`,
      ),
    );
    await assert.rejects(store.setRuleGroup(), /SetRuleGroup unsupported in rule local store/);
    await assert.rejects(store.getRuleGroup(), /GetRuleGroup unsupported in rule local store/);
    await assert.rejects(store.deleteRuleGroup(), /DeleteRuleGroup unsupported in rule local store/);
    await assert.rejects(store.deleteNamespace(), /DeleteNamespace unsupported in rule local store/);
    assert.throws(() => new LocalRuleStore(''), /directory required for local rules config/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('object keys are rules/<tenant>/<base64url namespace>/<base64url group>, with padding', () => {
  assert.equal(base64Url('a/b?'), 'YS9iPw==');
  assert.equal(base64Url('\u00ff\u00fe'), 'w7_Dvg==');
  assert.equal(ruleObjectKey('t', 'ns', 'g'), 'rules/t/bnM=/Zw==');
  assert.equal(ruleObjectKey('t', 'ns', ''), 'rules/t/bnM=/');
  assert.equal(ruleObjectKey('t', '', ''), 'rules/t/');
});

test('rule groups round-trip through the object store, by tenant and namespace', async () => {
  const client = new InMemoryObjectClient();
  const store = new ObjectRuleStore(client, 'legacy');
  await store.setRuleGroup('team-a', 'ns', group('g1'));
  await store.setRuleGroup('team-a', 'other', group('g2', 'other'));
  await store.setRuleGroup('team-b', 'ns', group('g3', 'ns', 'team-b'));
  // Keys that do not follow the layout are ignored.
  await client.putObject('rules/team-a/not-base64!/x', Buffer.from('junk'));

  assert.deepEqual(await store.listAllUsers(), ['team-a', 'team-b']);
  const all = await store.listAllRuleGroups();
  assert.deepEqual(
    all
      .get('team-a')!
      .map((g) => g.name)
      .sort(),
    ['g1', 'g2'],
  );
  assert.deepEqual(
    (await store.listRuleGroupsForUserAndNamespace('team-a', 'ns')).map((g) => g.name),
    ['g1'],
  );
  assert.deepEqual(await store.getRuleGroup('team-a', 'ns', 'g1'), group('g1'));
  await assert.rejects(
    store.getRuleGroup('team-a', 'ns', 'missing'),
    (err: Error) =>
      err instanceof GroupNotFoundError &&
      err.message === 'get rule group user="", namespace="", name="": group does not exist',
  );

  await store.deleteNamespace('team-a', 'ns');
  assert.deepEqual(
    (await store.listRuleGroupsForUserAndNamespace('team-a', '')).map((g) => g.name),
    ['g2'],
  );
  await assert.rejects(store.deleteNamespace('team-a', 'ns'), NamespaceNotFoundError);
  // S3 deletes absent keys silently, and so does Loki's answer.
  await store.deleteRuleGroup('team-a', 'ns', 'gone');
});

test('on a file system, deleting an absent group is a not-found error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'skald-rules-obj-'));
  try {
    const store = new ObjectRuleStore(await FilesystemObjectClient.open(dir), 'bucket');
    await store.setRuleGroup('t', 'a/b', group('x y', 'a/b', 't'));
    assert.deepEqual(await readdir(join(dir, 'rules', 't')), [base64Url('a/b').replace(/\/$/, '')]);
    await assert.rejects(store.getRuleGroup('t', 'a/b', 'nope'), new GroupNotFoundError('group does not exist'));
    await assert.rejects(store.deleteRuleGroup('t', 'a/b', 'nope'), GroupNotFoundError);
    await store.deleteRuleGroup('t', 'a/b', 'x y');
    assert.deepEqual(await store.listAllRuleGroups(), new Map());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
