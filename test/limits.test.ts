// Every write limit of limits_config, set per tenant in the runtime overrides
// file: the status and message Loki gives, the discarded-sample metrics, and
// that what the request carried besides the refused part is stored.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatGoTime } from '../src/util/time.js';
import { get, linesOf, pushJSON, queryRange } from './helpers/loki-client.js';
import { metricValue } from './helpers/metrics.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

const NOW_NS = BigInt(Date.now()) * 1_000_000n;
const ns = (offsetSec: number) => String(NOW_NS + BigInt(offsetSec) * 1_000_000_000n);
const stream = (labels: Record<string, string>, ...values: unknown[]) => ({ stream: labels, values });

/** Each case's tenant gets these overrides of the (generous) global limits. */
const OVERRIDES: Record<string, Record<string, string | number | boolean | string[]>> = {
  'tenant-rate': { ingestion_rate_mb: 0.001, ingestion_burst_size_mb: 0.002 },
  'stream-rate': { per_stream_rate_limit: '1KB', per_stream_rate_limit_burst: '2KB' },
  'global-streams': { max_global_streams_per_user: 2 },
  'local-streams': { max_streams_per_user: 1 },
  'line-size': { max_line_size: '64B' },
  'line-truncate': { max_line_size: '16B', max_line_size_truncate: true },
  'truncate-marked': { max_line_size: '16B', max_line_size_truncate: true, max_line_size_truncate_identifier: '[cut]' },
  'label-names': { max_label_names_per_series: 2 },
  'label-name-length': { max_label_name_length: 5 },
  'label-value-length': { max_label_value_length: 5 },
  'old-samples': { reject_old_samples: true, reject_old_samples_max_age: '1h' },
  'grace-period': { creation_grace_period: '5m' },
  'no-metadata': { allow_structured_metadata: false },
  'metadata-size': { max_structured_metadata_size: '20B' },
  duplicates: { increment_duplicate_timestamp: true },
  'service-name': { discover_service_name: ['app'] },
};

function overridesYaml(overrides: typeof OVERRIDES): string {
  let out = 'overrides:\n';
  for (const [tenant, limits] of Object.entries(overrides)) {
    out += `  ${tenant}:\n`;
    for (const [k, v] of Object.entries(limits)) out += `    ${k}: ${JSON.stringify(v)}\n`;
  }
  return out;
}

describe('write limits per tenant', () => {
  let skald: SkaldProcess;

  before(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'skald-limits-'));
    const runtimeFile = join(dataDir, 'runtime.yaml');
    await writeFile(runtimeFile, overridesYaml(OVERRIDES));
    skald = await startSkald({
      dataDir,
      authEnabled: true,
      limits: { reject_old_samples: false, creation_grace_period: '1h' },
      extraConfig: `runtime_config:\n  file: ${runtimeFile}\n  period: 1s\n`,
    });
  });
  after(async () => {
    await skald.stop();
    await skald.cleanup();
  });

  const push = (tenant: string, streams: unknown[]) => pushJSON(skald.url, { streams }, tenant);
  const discarded = async (tenant: string, reason: string) => ({
    samples: await metricValue(skald.url, 'loki_discarded_samples_total', { tenant, reason }),
    bytes: await metricValue(skald.url, 'loki_discarded_bytes_total', { tenant, reason }),
  });
  const lines = async (tenant: string, query: string) => {
    const r = await queryRange(skald.url, { query, start: ns(-7200), end: ns(7200), direction: 'forward' }, tenant);
    assert.equal(r.status, 200, r.text);
    return linesOf(r.json).map((l) => l.line);
  };

  it('refuses a whole push over the tenant ingestion rate with 429', async () => {
    const line = 'x'.repeat(3000);
    const r = await push('tenant-rate', [stream({ app: 'a' }, [ns(0), line]), stream({ app: 'b' }, [ns(0), 'small'])]);
    assert.equal(r.status, 429);
    assert.equal(
      r.text,
      "ingestion rate limit exceeded for user tenant-rate (limit: 1048 bytes/sec) while attempting to ingest '2' lines totaling '3005' bytes, reduce log volume or contact your Loki administrator to see if the limit can be increased\n",
    );
    assert.deepEqual(await discarded('tenant-rate', 'rate_limited'), { samples: 2, bytes: 3005 });
    assert.deepEqual(await lines('tenant-rate', '{app=~"a|b"}'), []);
    // Within the burst a push goes through.
    assert.equal((await push('tenant-rate', [stream({ app: 'b' }, [ns(1), 'fits'])])).status, 204);
    assert.deepEqual(await lines('tenant-rate', '{app="b"}'), ['fits']);
  });

  it('refuses only the entries of a stream over its rate, storing the rest of the request', async () => {
    const kb = 'y'.repeat(1000);
    const r = await push('stream-rate', [
      stream({ app: 'hot' }, [ns(0), `1${kb}`], [ns(1), `2${kb}`], [ns(2), `3${kb}`]),
      stream({ app: 'calm' }, [ns(0), 'calm line']),
    ]);
    assert.equal(r.status, 429);
    assert.equal(
      r.text,
      `entry with timestamp ${formatGoTime(BigInt(ns(2)))} ignored, reason: 'Per stream rate limit exceeded (limit: 1KB/sec) while attempting to ingest for stream '{app="hot"}' totaling 1001B, consider splitting a stream via additional labels or contact your Loki administrator to see if the limit can be increased',\nuser 'stream-rate', total ignored: 1 out of 3 for stream: {app="hot"}\n`,
    );
    assert.deepEqual(await discarded('stream-rate', 'per_stream_rate_limit'), { samples: 1, bytes: 1001 });
    assert.deepEqual(
      (await lines('stream-rate', '{app="hot"}')).map((l) => l[0]),
      ['1', '2'],
    );
    assert.deepEqual(await lines('stream-rate', '{app="calm"}'), ['calm line']);
  });

  it('refuses new streams beyond max_global_streams_per_user, keeping existing and earlier streams', async () => {
    const r = await push('global-streams', [
      stream({ app: 's1' }, [ns(0), 'one']),
      stream({ app: 's2' }, [ns(0), 'two']),
      stream({ app: 's3' }, [ns(0), 'three'], [ns(1), 'three again']),
    ]);
    assert.equal(r.status, 429);
    assert.equal(
      r.text,
      `maximum active stream limit exceeded when trying to create stream {app="s3"}, reduce the number of active streams (reduce labels or reduce label values), or contact your Loki administrator to see if the limit can be increased, user: 'global-streams'\n`,
    );
    assert.deepEqual(await discarded('global-streams', 'stream_limit'), { samples: 2, bytes: 16 });
    assert.deepEqual(await lines('global-streams', '{app=~"s.*"}'), ['one', 'two']);
    // Streams that exist keep taking entries.
    assert.equal((await push('global-streams', [stream({ app: 's1' }, [ns(2), 'one more'])])).status, 204);
    assert.deepEqual(await lines('global-streams', '{app="s1"}'), ['one', 'one more']);
  });

  it('applies max_streams_per_user as the local stream limit', async () => {
    assert.equal((await push('local-streams', [stream({ app: 'only' }, [ns(0), 'x'])])).status, 204);
    const r = await push('local-streams', [stream({ app: 'second' }, [ns(0), 'y'])]);
    assert.equal(r.status, 429);
    assert.match(r.text, /^maximum active stream limit exceeded when trying to create stream \{app="second"\}/);
    assert.deepEqual(await discarded('local-streams', 'stream_limit'), { samples: 1, bytes: 1 });
  });

  it('refuses lines over max_line_size with 400, keeping the others', async () => {
    const r = await push('line-size', [stream({ app: 'l' }, [ns(0), 'z'.repeat(65)], [ns(1), 'short'])]);
    assert.equal(r.status, 400);
    assert.equal(
      r.text,
      `max entry size '64' bytes exceeded for stream '{app="l"}' while adding an entry with length '65' bytes\n`,
    );
    assert.deepEqual(await discarded('line-size', 'line_too_long'), { samples: 1, bytes: 65 });
    assert.deepEqual(await lines('line-size', '{app="l"}'), ['short']);
  });

  it('truncates long lines with max_line_size_truncate instead of refusing them', async () => {
    const r = await push('line-truncate', [stream({ app: 't' }, [ns(0), 'abcdefghijklmnopqrstuvwxyz'])]);
    assert.equal(r.status, 204, r.text);
    assert.deepEqual(await lines('line-truncate', '{app="t"}'), ['abcdefghijklmnop']);
    const mutated = (tenant: string) => ({ tenant, reason: 'line_too_long' });
    assert.equal(await metricValue(skald.url, 'loki_mutated_samples_total', mutated('line-truncate')), 1);
    assert.equal(await metricValue(skald.url, 'loki_mutated_bytes_total', mutated('line-truncate')), 10);
    assert.equal(await metricValue(skald.url, 'loki_discarded_samples_total', { tenant: 'line-truncate' }), 0);

    const m = await push('truncate-marked', [stream({ app: 't' }, [ns(0), 'abcdefghijklmnopqrstuvwxyz'])]);
    assert.equal(m.status, 204, m.text);
    assert.deepEqual(await lines('truncate-marked', '{app="t"}'), ['abcdefghijk[cut]']);
  });

  it('refuses streams with too many labels, too long names or values', async () => {
    let r = await push('label-names', [stream({ a: '1', b: '2', c: '3' }, [ns(0), 'x'])]);
    assert.equal(r.status, 400);
    assert.equal(r.text, `entry for stream '{a="1", b="2", c="3"}' has 3 label names; limit 2\n`);
    assert.deepEqual(await discarded('label-names', 'max_label_names_per_series'), { samples: 1, bytes: 1 });

    r = await push('label-name-length', [stream({ longname: 'v' }, [ns(0), 'x'])]);
    assert.equal(r.status, 400);
    assert.equal(r.text, `stream '{longname="v"}' has label name too long: 'longname'\n`);
    assert.deepEqual(await discarded('label-name-length', 'label_name_too_long'), { samples: 1, bytes: 1 });

    r = await push('label-value-length', [
      stream({ app: 'longvalue' }, [ns(0), 'x']),
      stream({ app: 'ok' }, [ns(0), 'y']),
    ]);
    assert.equal(r.status, 400);
    assert.equal(r.text, `stream '{app="longvalue"}' has label value too long: 'longvalue'\n`);
    assert.deepEqual(await discarded('label-value-length', 'label_value_too_long'), { samples: 1, bytes: 1 });
    assert.deepEqual(await lines('label-value-length', '{app="ok"}'), ['y']);
  });

  it('refuses entries older than reject_old_samples_max_age and newer than creation_grace_period', async () => {
    let r = await push('old-samples', [stream({ app: 'o' }, [ns(-7200), 'old'], [ns(0), 'fresh'])]);
    assert.equal(r.status, 400);
    assert.match(r.text, /^entry for stream '\{app="o"\}' has timestamp too old: .*, oldest acceptable timestamp is: /);
    assert.deepEqual(await discarded('old-samples', 'greater_than_max_sample_age'), { samples: 1, bytes: 3 });
    assert.deepEqual(await lines('old-samples', '{app="o"}'), ['fresh']);

    r = await push('grace-period', [stream({ app: 'g' }, [ns(600), 'future'], [ns(0), 'now'])]);
    assert.equal(r.status, 400);
    assert.match(r.text, /^entry for stream '\{app="g"\}' has timestamp too new: /);
    assert.deepEqual(await discarded('grace-period', 'too_far_in_future'), { samples: 1, bytes: 6 });
    assert.deepEqual(await lines('grace-period', '{app="g"}'), ['now']);
  });

  it('refuses structured metadata when disallowed or too large', async () => {
    let r = await push('no-metadata', [stream({ app: 'm' }, [ns(0), 'with', { k: 'v' }], [ns(1), 'without'])]);
    assert.equal(r.status, 400);
    assert.match(r.text, /^stream '\{app="m"\}' includes structured metadata, but this feature is disallowed/);
    assert.deepEqual(await discarded('no-metadata', 'disallowed_structured_metadata'), { samples: 1, bytes: 6 });
    assert.deepEqual(await lines('no-metadata', '{app="m"}'), ['without']);

    r = await push('metadata-size', [stream({ app: 'm' }, [ns(0), 'big', { key: 'v'.repeat(30) }])]);
    assert.equal(r.status, 400);
    assert.match(r.text, /has structured metadata too large: '33' bytes, limit: '20' bytes/);
    assert.deepEqual(await discarded('metadata-size', 'structured_metadata_too_large'), { samples: 1, bytes: 36 });
  });

  it('moves duplicate timestamps one nanosecond on with increment_duplicate_timestamp', async () => {
    const r = await push('duplicates', [stream({ app: 'd' }, [ns(0), 'first'], [ns(0), 'second'])]);
    assert.equal(r.status, 204, r.text);
    const q = await queryRange(
      skald.url,
      { query: '{app="d"}', start: ns(-10), end: ns(10), direction: 'forward' },
      'duplicates',
    );
    assert.deepEqual(
      linesOf(q.json).map((l) => [l.ts, l.line]),
      [
        [ns(0), 'first'],
        [String(BigInt(ns(0)) + 1n), 'second'],
      ],
    );
  });

  it('adds service_name from discover_service_name', async () => {
    assert.equal((await push('service-name', [stream({ app: 'checkout' }, [ns(0), 'x'])])).status, 204);
    const r = await get<{ data: string[] }>(skald.url, '/loki/api/v1/label/service_name/values', {}, 'service-name');
    assert.deepEqual(r.json.data, ['checkout']);
  });

  it('shows the overrides at /runtime_config, and only the differences with mode=diff', async () => {
    const all = await get(skald.url, '/runtime_config');
    assert.equal(all.status, 200);
    assert.match(all.text, /^overrides:\n/);
    assert.match(all.text, / {2}global-streams:\n(?: {4}.*\n)*? {4}max_global_streams_per_user: 2\n/);
    assert.match(all.text, / {4}ingestion_rate_strategy: global\n/, 'full mode lists every limit');
    const diff = await get(skald.url, '/runtime_config', { mode: 'diff' });
    assert.equal(diff.status, 200);
    assert.match(diff.text, / {2}global-streams:\n {4}max_global_streams_per_user: 2\n/);
    assert.doesNotMatch(diff.text, /ingestion_rate_strategy/);
  });
});
