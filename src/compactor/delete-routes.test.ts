import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { HttpServer } from '../server/server.js';
import { InMemoryObjectClient } from '../storage/objstore/memory.js';
import { DeleteRequestsStore, deleteRequestsKey } from './delete-requests-store.js';
import { goJSON, parseDeleteTime, registerDeleteRoutes } from './delete-routes.js';
import { compactorMetrics } from './metrics.js';
import { silentLogger } from './test-support.js';

const HOUR = 3_600_000;

interface Reply {
  status: number;
  text: string;
  headers: Headers;
}

async function startServer(opts: {
  retention: boolean;
  authEnabled?: boolean;
  modes?: Record<string, string>;
  nowMs?: () => number;
}) {
  const registry = new Registry();
  const server = new HttpServer({ address: '127.0.0.1', port: 0, registry, logger: silentLogger });
  let now = opts.nowMs ?? Date.now;
  const requests = opts.retention
    ? await DeleteRequestsStore.open(new InMemoryObjectClient(), deleteRequestsKey('index/'), () => now())
    : null;
  registerDeleteRoutes(server.router, {
    requests,
    tenants: { authEnabled: opts.authEnabled ?? true },
    deletionMode: (t) => opts.modes?.[t] ?? 'filter-and-delete',
    cancelPeriodMs: 24 * HOUR,
    maxIntervalMs: 60_000,
    metrics: compactorMetrics(registry),
    logger: silentLogger,
    nowMs: () => now(),
  });
  const port = await server.listen();
  const url = `http://127.0.0.1:${port}`;
  const call = async (
    method: string,
    path: string,
    params: Record<string, string> = {},
    tenant?: string,
  ): Promise<Reply> => {
    const res = await fetch(`${url}${path}?${new URLSearchParams(params)}`, {
      method,
      headers: tenant ? { 'X-Scope-OrgID': tenant } : {},
    });
    return { status: res.status, text: await res.text(), headers: res.headers };
  };
  return {
    server,
    requests,
    registry,
    call,
    setNow: (f: () => number) => {
      now = f;
    },
  };
}

describe('delete API', () => {
  let s: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    s = await startServer({ retention: true, modes: { off: 'disabled' } });
  });
  after(async () => {
    await s.server.close();
  });

  it('refuses bad requests with Loki’s messages', async () => {
    const future = String(Math.floor((Date.now() + HOUR) / 1000));
    const cases: Array<[Record<string, string>, string]> = [
      [{ start: '0000000000', end: '0000000001' }, 'query not set'],
      [{ query: 'not a query', start: '0000000000', end: '0000000001' }, 'invalid query expression'],
      [{ query: 'sum(rate({a="b"}[1m]))', start: '0000000000', end: '0000000001' }, 'invalid query expression'],
      [{ query: '{foo="bar"}', end: '0000000001' }, 'start time not set'],
      [
        { query: '{foo="bar"}', start: '0000000000000', end: '0000000001' },
        'invalid start time: require unix seconds or RFC3339 format',
      ],
      [
        { query: '{foo="bar"}', start: '0000000000', end: '0000000000001' },
        'invalid end time: require unix seconds or RFC3339 format',
      ],
      [{ query: '{foo="bar"}', start: '0000000000', end: future }, 'deletes in the future are not allowed'],
      [
        { query: '{foo="bar"}', start: '0000000001', end: '0000000000' },
        "start time can't be greater than or equal to end time",
      ],
      [
        { query: '{foo="bar"} |= "foo"', start: '0000000000', end: '0000000001', max_interval: 'not-a-duration' },
        "invalid max_interval: valid time units are 's', 'm', 'h'",
      ],
      [
        { query: '{foo="bar"} |= "foo"', start: '0000000000', end: '0000000001', max_interval: '1ms' },
        "invalid max_interval: valid time units are 's', 'm', 'h'",
      ],
      [
        { query: '{foo="bar"} |= "foo"', start: '0000000000', end: '0000000001', max_interval: '1h' },
        "max_interval can't be greater than 1m0s",
      ],
      [
        { query: '{foo="bar"} |= "foo"', start: '0000000000', end: '0000000001', max_interval: '30s' },
        "max_interval can't be greater than the interval to be deleted (1s)",
      ],
    ];
    for (const [params, message] of cases) {
      const r = await s.call('POST', '/loki/api/v1/delete', params, 'org');
      assert.equal(r.status, 400, JSON.stringify(params));
      assert.equal(r.text, `${message}\n`, JSON.stringify(params));
    }
  });

  it('needs an org id, and refuses tenants whose deletion mode is disabled', async () => {
    const params = { query: '{foo="bar"}', start: '0000000000', end: '0000000001' };
    const none = await s.call('POST', '/loki/api/v1/delete', params);
    assert.deepEqual([none.status, none.text], [401, 'no org id\n']);
    const two = await s.call('POST', '/loki/api/v1/delete', params, 'a|b');
    assert.deepEqual([two.status, two.text], [400, 'multiple org IDs present\n']);
    const off = await s.call('POST', '/loki/api/v1/delete', params, 'off');
    assert.deepEqual([off.status, off.text], [403, 'deletion is not available for this tenant\n']);
    assert.equal((await s.call('GET', '/loki/api/v1/delete', {}, 'off')).status, 403);
    assert.equal((await s.call('PATCH', '/loki/api/v1/delete', {}, 'org')).status, 405);
  });

  it('adds, lists and cancels a tenant’s requests, and no other tenant sees them', async () => {
    const add = await s.call(
      'POST',
      '/loki/api/v1/delete',
      { query: '{app="web"} |= "<password>"', start: '2024-01-02T03:04:05Z', end: '1704200000' },
      'alpha',
    );
    assert.equal(add.status, 204, add.text);
    const id = add.headers.get('x-delete-request-id')!;
    assert.match(id, /^[0-9a-f]{8}$/);
    assert.equal(
      (
        await s.call(
          'PUT',
          '/loki/api/v1/delete',
          { query: '{app="x"}', start: '1704200000', end: '1704200001' },
          'alpha',
        )
      ).status,
      204,
    );

    const listed = await s.call('GET', '/loki/api/v1/delete', {}, 'alpha');
    assert.equal(listed.status, 200);
    assert.equal(listed.headers.get('content-type'), 'application/json');
    const list = JSON.parse(listed.text) as Array<Record<string, unknown>>;
    assert.equal(list.length, 2);
    assert.deepEqual(Object.keys(list[0]!), [
      'request_id',
      'start_time',
      'end_time',
      'query',
      'status',
      'created_at',
      'user_id',
    ]);
    assert.equal(list[0]!.request_id, id);
    assert.equal(list[0]!.start_time, 1704164645);
    assert.equal(list[0]!.end_time, 1704200000);
    assert.equal(list[0]!.status, 'received');
    assert.equal(list[0]!.user_id, '');
    assert.ok(listed.text.includes('\\u003cpassword\\u003e'), 'HTML characters are escaped as Go does');

    const overlapping = await s.call('GET', '/loki/api/v1/delete', { start: '1704200000', end: '1704200001' }, 'alpha');
    assert.equal((JSON.parse(overlapping.text) as unknown[]).length, 2);
    const later = await s.call('GET', '/loki/api/v1/delete', { start: '1704300000', end: '1704300001' }, 'alpha');
    assert.equal(later.text, '[]\n');

    assert.equal((await s.call('GET', '/loki/api/v1/delete', {}, 'beta')).text, '[]\n');
    const foreign = await s.call('DELETE', '/loki/api/v1/delete', { request_id: id }, 'beta');
    assert.deepEqual([foreign.status, foreign.text], [404, 'could not find delete request with given id\n']);

    assert.equal((await s.call('DELETE', '/loki/api/v1/delete', { request_id: id }, 'alpha')).status, 204);
    assert.equal((JSON.parse((await s.call('GET', '/loki/api/v1/delete', {}, 'alpha')).text) as unknown[]).length, 1);
  });

  it('allows cancelling only within the cancel period, unless forced, and never once processed', async () => {
    await s.call(
      'POST',
      '/loki/api/v1/delete',
      { query: '{app="old"}', start: '1704200000', end: '1704200001' },
      'gamma',
    );
    const [req] = s.requests!.forTenant('gamma');
    s.setNow(() => Date.now() + 25 * HOUR);
    try {
      const late = await s.call('DELETE', '/loki/api/v1/delete', { request_id: req!.requestId }, 'gamma');
      assert.equal(late.status, 400);
      assert.equal(
        late.text,
        'Cancellation of partially completed delete request or delete request past the deadline of 24h0m0s since its creation is not allowed. To force, use the ?force query parameter\n',
      );
      await s.requests!.markProcessed(s.requests!.unprocessedShards().filter((x) => x.tenant === 'gamma'));
      const done = await s.call(
        'DELETE',
        '/loki/api/v1/delete',
        { request_id: req!.requestId, force: 'true' },
        'gamma',
      );
      assert.deepEqual(
        [done.status, done.text],
        [400, 'deletion of request which is in process or already processed is not allowed\n'],
      );
    } finally {
      s.setNow(Date.now);
    }
    await s.call(
      'POST',
      '/loki/api/v1/delete',
      { query: '{app="old2"}', start: '1704200000', end: '1704200001' },
      'gamma',
    );
    const second = s.requests!.forTenant('gamma').find((r) => r.status === 'received')!;
    s.setNow(() => Date.now() + 25 * HOUR);
    try {
      const forced = await s.call(
        'DELETE',
        '/loki/api/v1/delete',
        { request_id: second.requestId, force: 'true' },
        'gamma',
      );
      assert.equal(forced.status, 204);
    } finally {
      s.setNow(Date.now);
    }
  });

  it('serves the compactor UI listing of every tenant and its authenticated POST', async () => {
    const post = await s.call(
      'POST',
      '/compactor/ui/api/v1/deletes',
      { query: '{ui="1"}', start: '1704200000', end: '1704200001' },
      'delta',
    );
    assert.equal(post.status, 204);
    assert.equal((await s.call('POST', '/compactor/ui/api/v1/deletes', {})).status, 401);
    const ui = JSON.parse((await s.call('GET', '/compactor/ui/api/v1/deletes')).text) as Array<Record<string, unknown>>;
    const mine = ui.find((r) => r.user_id === 'delta')!;
    assert.equal(mine.query, '{ui="1"}');
    assert.equal(mine.start_time, 1704200000000, 'the UI shows milliseconds');
    assert.ok(ui.some((r) => r.user_id === 'alpha'));
    const put = await s.call('PUT', '/compactor/ui/api/v1/deletes', {}, 'delta');
    assert.deepEqual([put.status, put.text], [405, 'Method not allowed\n']);
  });

  it('shows and bumps the results-cache generation number', async () => {
    const before = JSON.parse(
      (await s.call('GET', '/loki/api/v1/cache/generation_numbers', {}, 'alpha')).text,
    ) as string;
    assert.match(before, /^\d+$/);
    assert.equal((await s.call('POST', '/loki/api/v1/cache/generation_numbers/increase', {}, 'alpha')).status, 204);
    const after = JSON.parse(
      (await s.call('GET', '/loki/api/v1/cache/generation_numbers', {}, 'alpha')).text,
    ) as string;
    assert.notEqual(after, before);
  });

  it('counts received requests per tenant', async () => {
    const m = await s.registry.getSingleMetric('loki_compactor_delete_requests_received_total')?.get();
    const alpha = m?.values.find((v) => v.labels.user === 'alpha');
    assert.equal(alpha?.value, 2);
  });
});

describe('delete API without retention', () => {
  it('has no /loki/api/v1/delete route and answers the UI route with Loki’s message', async () => {
    const s = await startServer({ retention: false });
    try {
      assert.equal((await s.call('GET', '/loki/api/v1/delete', {}, 'org')).status, 404);
      const ui = await s.call('GET', '/compactor/ui/api/v1/deletes');
      assert.deepEqual([ui.status, ui.text], [400, 'Retention is not enabled\n']);
      const post = await s.call('POST', '/compactor/ui/api/v1/deletes', { query: '{a="b"}' }, 'org');
      assert.deepEqual([post.status, post.text], [400, 'Retention is not enabled\n']);
    } finally {
      await s.server.close();
    }
  });

  it('uses the fake tenant when auth is disabled', async () => {
    const s = await startServer({ retention: true, authEnabled: false });
    try {
      const r = await s.call('POST', '/loki/api/v1/delete', {
        query: '{a="b"}',
        start: '1704200000',
        end: '1704200001',
      });
      assert.equal(r.status, 204);
      assert.equal(s.requests!.forTenant('fake').length, 1);
    } finally {
      await s.server.close();
    }
  });
});

describe('delete API helpers', () => {
  it('reads times as Loki’s deletion API does', () => {
    assert.equal(parseDeleteTime('', 5), 5);
    assert.equal(parseDeleteTime('1704200000', 0), 1_704_200_000_000);
    assert.equal(parseDeleteTime('2006-01-02T15:04:05Z', 0), 1_136_214_245_000);
    assert.equal(parseDeleteTime('2006-01-02T15:04:05.123456Z', 0), 1_136_214_245_123);
    assert.equal(parseDeleteTime('1704200000000', 0), null, 'milliseconds are not accepted');
    assert.equal(parseDeleteTime('yesterday!', 0), null);
  });

  it('encodes JSON as Go does', () => {
    assert.equal(goJSON({ q: '<a&b>' }), '{"q":"\\u003ca\\u0026b\\u003e"}\n');
  });
});
