import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadConfig } from './load.js';
import { printConfigText, renderConfig, renderConfigYaml, reversedConfigLines } from './render.js';
import { defaultValue } from './schema/defaults.js';
import { configBlock } from './schema/root.js';
import { decodeBlockInto } from './yaml/decode.js';
import { parseYaml } from './yaml/document.js';

const testdata = fileURLToPath(new URL('testdata/', import.meta.url));
const helm = () => loadConfig([`-config.file=${join(testdata, 'helm-loki-config.yaml')}`], {}).config;

test('durations and sizes print as Loki prints them', () => {
  const out = renderConfig(helm()) as Record<string, Record<string, unknown>>;
  assert.equal(out.server?.http_server_read_timeout, '10m0s');
  assert.equal(out.server?.graceful_shutdown_timeout, '30s');
  assert.equal(out.limits_config?.query_timeout, '5m');
  assert.equal(out.limits_config?.reject_old_samples_max_age, '1w');
  assert.equal(out.limits_config?.per_stream_rate_limit, '512MB');
  assert.equal(out.limits_config?.per_stream_rate_limit_burst, '1GB');
  assert.equal(out.limits_config?.max_line_size, '256KB');
  assert.equal(out.query_engine?.prefetch_bytes, '16KiB');
});

test('secrets are masked and schema dates stay quoted strings', () => {
  const yaml = renderConfigYaml(helm());
  assert.match(yaml, /secret_access_key: "\*\*\*\*\*\*\*\*"/);
  assert.doesNotMatch(yaml, /sxxxxxxxxxxxx/);
  assert.match(yaml, /- from: "2024-01-01"\n {4}store: tsdb/);
});

test('mode=all prints every key in declaration order, round-tripping as YAML', () => {
  const yaml = renderConfigYaml(helm(), 'all');
  const doc = parse(yaml) as Record<string, unknown>;
  assert.deepEqual(Object.keys(doc).slice(0, 5), ['target', 'auth_enabled', 'http_prefix', 'ballast_bytes', 'server']);
  assert.ok(!('printconfig' in doc), 'command-line wrapper keys are not part of GET /config');
  assert.ok(!('bloom_compactor' in doc), 'keys removed after Loki 3.0 are not printed');
});

test('mode=diff shows only what differs from the defaults', () => {
  const doc = parse(renderConfigYaml(helm(), 'diff')) as Record<string, Record<string, unknown>>;
  assert.deepEqual(doc.limits_config, {
    ingestion_rate_mb: 200,
    ingestion_burst_size_mb: 400,
    per_stream_rate_limit: '512MB',
    per_stream_rate_limit_burst: '1GB',
    max_query_parallelism: 1024,
    max_entries_limit_per_query: 25000,
    query_timeout: '5m',
    split_queries_by_interval: '15m',
  });
  assert.equal(doc.server?.http_listen_port, undefined);
  assert.equal(doc.auth_enabled, undefined);
  assert.deepEqual(parse(renderConfigYaml(defaultValue(configBlock), 'diff')), {});
});

test('mode=defaults prints the defaults whatever the config', () => {
  assert.equal(renderConfigYaml(helm(), 'defaults'), renderConfigYaml(defaultValue(configBlock), 'all'));
});

test('-print-config-stderr output carries a header and the wrapper keys', () => {
  const text = printConfigText(defaultValue(configBlock), '1.2.3');
  assert.ok(text.startsWith('---\n# Skald Config\n# (version=1.2.3)\ntarget: all\n'));
  assert.match(text, /\nprintconfig: false\n/);
  const lines = reversedConfigLines(defaultValue(configBlock));
  assert.ok(lines.indexOf('target: all') > lines.indexOf('auth_enabled: true'));
});

test('mode=all output reads back to the same config', () => {
  const original = loadConfig([`-config.file=${join(testdata, 'loki-local-config.yaml')}`], {}).config;
  const source = parseYaml(renderConfigYaml(original, 'all'));
  const reread = defaultValue(configBlock);
  assert.deepEqual(decodeBlockInto(source, configBlock, reread, source.root, '', { strict: true }), []);
  assert.deepEqual(reread, original);
});
