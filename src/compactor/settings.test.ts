import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../config/index.js';
import { CompactorConfigError, compactorSettings, pathPrefixProblem } from './settings.js';

const MIN = 60_000;

describe('compactor settings', () => {
  it('needs a delete request store when retention is enabled', () => {
    const c = defaultConfig().compactor;
    c.retention_enabled = true;
    assert.throws(
      () => compactorSettings(c),
      (err: unknown) =>
        err instanceof CompactorConfigError &&
        err.message ===
          'CONFIG ERROR: invalid compactor config: compactor.delete-request-store should be configured when retention is enabled',
    );
  });

  it('derives the retention interval from the compaction interval as Loki does', () => {
    const c = defaultConfig().compactor;
    c.retention_enabled = true;
    c.delete_request_store = 'filesystem';
    assert.equal(compactorSettings(c).applyRetentionIntervalMs, 15 * MIN, '10m plus min(10m, 10m / 2)');
    c.compaction_interval = 2_000;
    assert.equal(compactorSettings(c).applyRetentionIntervalMs, 3_000);
    c.apply_retention_interval = 7_000;
    assert.equal(compactorSettings(c).applyRetentionIntervalMs, 7_000);
  });

  it('checks the delete store prefix and the marker prefix', () => {
    assert.equal(pathPrefixProblem('index/'), null);
    assert.equal(pathPrefixProblem(''), 'prefix must be set');
    assert.equal(pathPrefixProblem('/index/'), "prefix should never start with a path separator i.e '/'");
    assert.equal(pathPrefixProblem('index'), "prefix should end with a path separator i.e '/'");
    const c = defaultConfig().compactor;
    c.retention_enabled = true;
    c.delete_request_store = 'filesystem';
    c.deletion_marker_object_store_prefix = 'markers';
    assert.throws(() => compactorSettings(c), /deletion marker object store prefix must end with \//);
  });
});
