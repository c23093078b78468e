import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { configBlock, defaultValue, type SkaldConfig } from '../config/index.js';
import type { Engine, InstantQuery, QueryResponse } from '../logql/engine/engine.js';
import { Router } from '../server/router.js';
import type { Logger } from '../util/log.js';
import { pathEscape } from './manager.js';
import { parseRuleGroup, toDesc } from './rule-group.js';
import { startRuler } from './ruler.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

/** An engine answering every instant query with one sample per tenant, and recording the calls. */
function stubEngine(calls: Array<{ tenant: string; query: string }>): Engine {
  const stub = {
    async instantQuery(tenant: string, q: InstantQuery): Promise<QueryResponse> {
      calls.push({ tenant, query: q.query });
      return {
        resultType: 'vector',
        result: JSON.stringify([{ metric: { app: tenant }, value: [Number(q.timeNs / 1_000_000n) / 1000, '5'] }]),
        stats: {} as QueryResponse['stats'],
        warnings: [],
      };
    },
  };
  return stub as unknown as Engine;
}

async function setup(edit: (cfg: SkaldConfig, dir: string) => void) {
  const dir = await mkdtemp(join(tmpdir(), 'skald-ruler-'));
  const cfg = defaultValue(configBlock);
  cfg.ruler.rule_path = join(dir, 'rules-temp');
  edit(cfg, dir);
  return { cfg, dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const deps = (cfg: SkaldConfig, engine: Engine, singleBinary = false) => ({
  config: cfg,
  registry: new Registry(),
  router: new Router(),
  tenants: { authEnabled: true },
  limits: () => cfg.limits_config,
  engine,
  singleBinary,
  logger: quiet,
});

test('without rule storage the single binary runs no ruler, other targets refuse to start', async () => {
  const { cfg, cleanup } = await setup((c) => {
    c.ruler.storage.type = '';
  });
  try {
    assert.equal(await startRuler(deps(cfg, stubEngine([]), true)), null);
    await assert.rejects(startRuler(deps(cfg, stubEngine([]))), /ruler.storage is not configured/);
    cfg.ruler.storage.type = 'configdb';
    await assert.rejects(
      startRuler(deps(cfg, stubEngine([]))),
      new Error('unrecognized rule storage mode configdb, choose one of: configdb, gcs, s3, swift, azure, local'),
    );
  } finally {
    await cleanup();
  }
});

test('remote write enabled without clients, or with a client without URL, is a configuration error, as in Loki', async () => {
  const { cfg, cleanup } = await setup((c, dir) => {
    c.ruler.storage.type = 'local';
    c.ruler.storage.local.directory = join(dir, 'rules');
    c.ruler.remote_write.enabled = true;
  });
  try {
    await assert.rejects(startRuler(deps(cfg, stubEngine([]))), /remote-write enabled but no clients are configured/);
    cfg.ruler.remote_write.clients = { prom: { ...cfg.ruler.remote_write.client, name: 'p' } };
    await assert.rejects(
      startRuler(deps(cfg, stubEngine([]))),
      new Error("invalid ruler config: remote-write enabled but client 'p' URL for tenant prom is not configured"),
    );
  } finally {
    await cleanup();
  }
});

test('groups stored through the API are picked up at the next sync, mapped under rule_path and evaluated per tenant', async () => {
  const calls: Array<{ tenant: string; query: string }> = [];
  const { cfg, cleanup } = await setup((c) => {
    c.ruler.storage.type = 's3';
    c.ruler.storage.s3.s3 = 'inmemory:///rules';
    c.ruler.evaluation_interval = 50;
    c.ruler.poll_interval = 3_600_000;
  });
  const d = deps(cfg, stubEngine(calls));
  const ruler = await startRuler(d);
  assert.ok(ruler);
  try {
    const g = parseRuleGroup('name: g\nrules:\n  - record: lines:sum\n    expr: sum(count_over_time({a="b"}[1m]))\n');
    await ruler.store.setRuleGroup('team-a', 'web/prod', toDesc('team-a', 'web/prod', g));
    await ruler.store.setRuleGroup('team-b', 'ns', toDesc('team-b', 'ns', g));
    assert.deepEqual(ruler.manager.users(), [], 'nothing runs before the next poll');

    await ruler.syncRules('periodic');
    assert.deepEqual(ruler.manager.users().sort(), ['team-a', 'team-b']);
    const [group] = ruler.manager.groupsOf('team-a');
    assert.equal(group!.file, join(cfg.ruler.rule_path, 'team-a', 'web%2Fprod'));
    assert.deepEqual(await readdir(join(cfg.ruler.rule_path, 'team-a')), [pathEscape('web/prod')]);
    assert.match(await readFile(group!.file, 'utf8'), /^groups:\n {4}- name: g\n/);

    for (let i = 0; i < 100 && new Set(calls.map((c) => c.tenant)).size < 2; i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual([...new Set(calls.map((c) => c.tenant))].sort(), ['team-a', 'team-b']);
    assert.equal(calls[0]!.query, 'sum(count_over_time({a="b"}[1m]))');
    const metrics = await d.registry.metrics();
    assert.match(metrics, /loki_ruler_managers_total 2/);
    assert.match(metrics, /loki_ruler_config_last_reload_successful\{user="team-a"\} 1/);
    assert.match(
      metrics,
      /loki_prometheus_rule_evaluations_total\{user="team-a",rule_group="[^"]*web%2Fprod;g"\} [1-9]/,
    );

    await ruler.store.deleteNamespace('team-b', 'ns');
    await ruler.syncRules('periodic');
    assert.deepEqual(ruler.manager.users(), ['team-a']);
    assert.doesNotMatch(await d.registry.metrics(), /user="team-b"/, 'a removed tenant’s series go');
  } finally {
    await ruler.stop();
    await cleanup();
  }
  assert.deepEqual(await readdir(cfg.ruler.rule_path).catch(() => []), [], 'mapped files are removed on stop');
});

test('enabled_tenants and disabled_tenants choose whose rules run', async () => {
  const { cfg, cleanup } = await setup((c) => {
    c.ruler.storage.type = 's3';
    c.ruler.storage.s3.s3 = 'inmemory:///rules';
    c.ruler.evaluation_interval = 3_600_000;
    c.ruler.poll_interval = 3_600_000;
    c.ruler.enabled_tenants = ['a', 'b'];
    c.ruler.disabled_tenants = ['b'];
  });
  const ruler = await startRuler(deps(cfg, stubEngine([])));
  assert.ok(ruler);
  try {
    const g = parseRuleGroup('name: g\nrules:\n  - record: r\n    expr: vector(1)\n');
    for (const t of ['a', 'b', 'c']) await ruler.store.setRuleGroup(t, 'ns', toDesc(t, 'ns', g));
    await ruler.syncRules('periodic');
    assert.deepEqual(ruler.manager.users(), ['a']);
  } finally {
    await ruler.stop();
    await cleanup();
  }
});
