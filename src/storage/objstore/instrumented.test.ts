import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { instrumentObjectClient } from './instrumented.js';
import { InMemoryObjectClient } from './memory.js';

async function sample(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  assert.ok(metric, `${name} is registered`);
  const values = metric.values as { value: number; labels: Record<string, string | number>; metricName?: string }[];
  const match = values.find(
    (v) =>
      (v.metricName === undefined || v.metricName === name || v.metricName === `${name}_count`) &&
      Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  );
  return match?.value ?? Number.NaN;
}

test('operations, failures, bytes and upload time are recorded under Loki objstore names', async () => {
  const registry = new Registry();
  const client = instrumentObjectClient(new InMemoryObjectClient(), registry);
  await client.putObject('a/b', Buffer.from('hello'));
  await client.getObject('a/b');
  await client.getObjectRange('a/b', 1, 2);
  await client.headObject('a/b');
  await client.list('a/');
  await client.deleteObject('a/b');
  await assert.rejects(client.getObject('a/b'));

  const ops = 'loki_objstore_bucket_operations_total';
  assert.equal(await sample(registry, ops, { operation: 'upload' }), 1);
  assert.equal(await sample(registry, ops, { operation: 'get' }), 2);
  assert.equal(await sample(registry, ops, { operation: 'get_range' }), 1);
  assert.equal(await sample(registry, ops, { operation: 'attributes' }), 1);
  assert.equal(await sample(registry, ops, { operation: 'iter' }), 1);
  assert.equal(await sample(registry, ops, { operation: 'delete' }), 1);
  assert.equal(await sample(registry, ops, { operation: 'exists' }), 0);
  const failures = 'loki_objstore_bucket_operation_failures_total';
  assert.equal(await sample(registry, failures, { operation: 'get' }), 1);
  assert.equal(await sample(registry, failures, { operation: 'upload' }), 0);
  const fetched = 'loki_objstore_bucket_operation_fetched_bytes_total';
  assert.equal(await sample(registry, fetched, { operation: 'get' }), 5);
  assert.equal(await sample(registry, fetched, { operation: 'get_range' }), 2);
  const uploaded = await sample(registry, 'loki_objstore_bucket_last_successful_upload_time');
  assert.ok(Math.abs(uploaded - Date.now() / 1000) < 60);

  const text = await registry.metrics();
  assert.match(text, /loki_objstore_bucket_operation_duration_seconds_count\{operation="upload"\} 1/);
  assert.match(text, /loki_objstore_bucket_operation_duration_seconds_count\{operation="get"\} 2/);
  assert.match(text, /loki_objstore_bucket_operation_transferred_bytes_bucket\{le="32768",operation="upload"\} 1/);
});

test('a caller abort is not counted as a failure', async () => {
  const registry = new Registry();
  const client = instrumentObjectClient(new InMemoryObjectClient(), registry);
  await client.putObject('k', Buffer.from('v'));
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(client.getObject('k', controller.signal));
  assert.equal(await sample(registry, 'loki_objstore_bucket_operation_failures_total', { operation: 'get' }), 0);
});

test('every operation has series from the start, and two clients share one registry', async () => {
  const registry = new Registry();
  instrumentObjectClient(new InMemoryObjectClient(), registry);
  instrumentObjectClient(new InMemoryObjectClient(), registry);
  const text = await registry.metrics();
  for (const operation of ['iter', 'get', 'get_range', 'exists', 'upload', 'delete', 'attributes']) {
    assert.match(text, new RegExp(`loki_objstore_bucket_operations_total\\{operation="${operation}"\\} 0`));
    assert.match(text, new RegExp(`loki_objstore_bucket_operation_failures_total\\{operation="${operation}"\\} 0`));
  }
});

test('the wrapped client keeps its kind and passes results through', async () => {
  const client = instrumentObjectClient(new InMemoryObjectClient(), new Registry());
  assert.equal(client.kind, 'inmemory');
  await client.putObject('x/y', Buffer.from('1'));
  assert.deepEqual((await client.list('', '/')).commonPrefixes, ['x/']);
});
