import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as config from './index.js';

test('the entry point exposes loading, rendering, overrides and the typed defaults', () => {
  for (const name of [
    'loadConfig',
    'renderConfigYaml',
    'parseRuntimeConfig',
    'parseTenantLimits',
    'resolveS3',
    'listTargetsText',
  ]) {
    assert.equal(typeof (config as Record<string, unknown>)[name], 'function', name);
  }
  const defaults: config.SkaldConfig = config.defaultConfig();
  const limits: config.LimitsConfig = defaults.limits_config;
  assert.equal(limits.max_line_size, 256 * 1024);
  assert.equal(defaults.server.http_listen_port, 3100);
  assert.ok(config.LOCAL_DEFAULTS_YAML.includes('path_prefix: ./data'));
});
