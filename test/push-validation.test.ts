// Bad pushes get Loki's status codes and messages, and never cost the valid
// part of a request or data already accepted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { linesOf, pushJSON, pushProto, queryRange } from './helpers/loki-client.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

const NOW_NS = BigInt(Date.now()) * 1_000_000n;
const ns = (offsetSec: number) => String(NOW_NS + BigInt(offsetSec) * 1_000_000_000n);

describe('push validation', () => {
  let skald: SkaldProcess;

  before(async () => {
    skald = await startSkald({
      authEnabled: true,
      // Entries more than max_chunk_age/2 = 10m behind the newest of their stream are refused.
      extraConfig: 'ingester:\n  max_chunk_age: 20m\n',
      limits: {
        reject_old_samples: true,
        reject_old_samples_max_age: '1h',
        creation_grace_period: '10m',
        max_line_size: 100,
        max_label_names_per_series: 3,
        max_label_name_length: 10,
        max_label_value_length: 20,
        max_structured_metadata_size: 30,
        max_structured_metadata_entries_count: 2,
      },
    });
  });
  after(async () => {
    await skald.stop();
    await skald.cleanup();
  });

  const push = (streams: unknown[], tenant = 'team-a') => pushJSON(skald.url, { streams }, tenant);
  const stream = (labels: Record<string, string>, ...values: unknown[]) => ({ stream: labels, values });

  it('requires X-Scope-OrgID when auth is enabled', async () => {
    const r = await pushJSON(skald.url, { streams: [stream({ app: 'x' }, [ns(0), 'hi'])] });
    assert.equal(r.status, 401);
    assert.equal(r.text, 'no org id\n');
  });

  it('accepts a valid JSON push with 204', async () => {
    const r = await push([stream({ app: 'ok' }, [ns(0), 'first line'], [ns(1), 'second line', { trace_id: 'abc' }])]);
    assert.equal(r.status, 204, r.text);
  });

  it('rejects a request whose labels do not parse, storing nothing of it', async () => {
    const r = await pushProto(skald.url, [{ labels: '{app="x"', entries: [{ ts: NOW_NS, line: 'x' }] }], 'team-a');
    assert.equal(r.status, 400);
    assert.match(r.text, /^couldn't parse labels: /);
  });

  it('rejects a stream without labels', async () => {
    const r = await pushProto(skald.url, [{ labels: '{}', entries: [{ ts: NOW_NS, line: 'x' }] }], 'team-a');
    assert.equal(r.status, 400);
    assert.equal(r.text, 'error at least one label pair is required per stream\n');
  });

  it('rejects duplicate label names', async () => {
    const r = await pushProto(
      skald.url,
      [{ labels: '{app="x", app="y"}', entries: [{ ts: NOW_NS, line: 'x' }] }],
      'team-a',
    );
    assert.equal(r.status, 400);
    assert.match(r.text, /duplicate/);
  });

  it('rejects too many labels, too long names and values with Loki messages', async () => {
    let r = await push([stream({ a: '1', b: '2', c: '3', d: '4' }, [ns(0), 'x'])]);
    assert.equal(r.status, 400);
    assert.equal(r.text, `entry for stream '{a="1", b="2", c="3", d="4"}' has 4 label names; limit 3\n`);
    r = await push([stream({ averyveryverylongname: '1' }, [ns(0), 'x'])]);
    assert.equal(r.status, 400);
    assert.equal(r.text, `stream '{averyveryverylongname="1"}' has label name too long: 'averyveryverylongname'\n`);
    r = await push([stream({ app: 'a-value-that-is-far-too-long' }, [ns(0), 'x'])]);
    assert.equal(r.status, 400);
    assert.equal(
      r.text,
      `stream '{app="a-value-that-is-far-too-long"}' has label value too long: 'a-value-that-is-far-too-long'\n`,
    );
  });

  it('rejects too long lines, too old and too new entries, keeping the valid ones of the same request', async () => {
    const long = 'x'.repeat(150);
    const old = String(NOW_NS - 2n * 3600n * 1_000_000_000n);
    const future = String(NOW_NS + 3600n * 1_000_000_000n);
    const r = await push([
      stream({ app: 'mixed' }, [ns(2), long], [old, 'too old'], [future, 'too new'], [ns(3), 'kept line']),
    ]);
    assert.equal(r.status, 400);
    // With several distinct errors Loki prefixes each with its count ("1 errors like: ").
    const msgs = r.text
      .trim()
      .split('; ')
      .map((m) => m.replace(/^1 errors like: /, ''));
    assert.equal(msgs.length, 3);
    assert.ok(
      msgs.includes(
        `max entry size '100' bytes exceeded for stream '{app="mixed"}' while adding an entry with length '150' bytes`,
      ),
      r.text,
    );
    assert.ok(
      msgs.some(
        (m) =>
          m.startsWith(`entry for stream '{app="mixed"}' has timestamp too old: `) &&
          m.includes('oldest acceptable timestamp is: '),
      ),
      r.text,
    );
    assert.ok(
      msgs.some((m) => m.startsWith(`entry for stream '{app="mixed"}' has timestamp too new: `)),
      r.text,
    );
    const q = await queryRange(skald.url, { query: '{app="mixed"}', start: ns(-600), end: ns(600) }, 'team-a');
    assert.deepEqual(
      linesOf(q.json).map((l) => l.line),
      ['kept line'],
    );
  });

  it('groups repeated errors as Loki does', async () => {
    const r = await push([stream({ app: 'rep' }, [ns(4), 'x'.repeat(101)], [ns(5), 'y'.repeat(101)])]);
    assert.equal(r.status, 400);
    assert.match(
      r.text,
      /^2 errors like: max entry size '100' bytes exceeded for stream '\{app="rep"\}' while adding an entry with length '101' bytes\n$/,
    );
  });

  it('rejects structured metadata over the size and count limits', async () => {
    let r = await push([stream({ app: 'sm' }, [ns(6), 'x', { a: 'x'.repeat(40) }])]);
    assert.equal(r.status, 400);
    assert.match(r.text, /has structured metadata too large: '41' bytes, limit: '30' bytes/);
    r = await push([stream({ app: 'sm' }, [ns(7), 'x', { a: '1', b: '2', c: '3' }])]);
    assert.equal(r.status, 400);
    assert.match(r.text, /has too many structured metadata labels: '3', limit: '2'/);
  });

  it('rejects malformed bodies with 400', async () => {
    let r = await pushJSON(skald.url, '{"streams": [', 'team-a');
    assert.equal(r.status, 400);
    const res = await fetch(`${skald.url}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'X-Scope-OrgID': 'team-a', 'Content-Type': 'application/x-protobuf' },
      body: Buffer.from('definitely not snappy protobuf'),
    });
    assert.equal(res.status, 400);
    r = await pushJSON(
      skald.url,
      { streams: [{ stream: { app: 'x' }, values: [[12, 'number timestamp']] }] },
      'team-a',
    );
    assert.equal(r.status, 400);
  });

  it('answers 415 for a body of an unsupported content type, 400 without a content type', async () => {
    let res = await fetch(`${skald.url}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'X-Scope-OrgID': 'team-a', 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    assert.equal(res.status, 415);
    assert.match(await res.text(), /unsupported Content-Type "text\/plain"/);
    res = await fetch(`${skald.url}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'X-Scope-OrgID': 'team-a' },
      body: new Uint8Array([1, 2, 3]),
    });
    assert.equal(res.status, 400);
    assert.equal(await res.text(), 'mime: no media type\n');
  });

  it('accepts gzip-compressed JSON and rejects unknown content encodings', async () => {
    const body = gzipSync(JSON.stringify({ streams: [stream({ app: 'gz' }, [ns(8), 'zipped'])] }));
    let r = await pushJSON(skald.url, body, 'team-a', { 'Content-Encoding': 'gzip' });
    assert.equal(r.status, 204, r.text);
    r = await pushJSON(skald.url, '{}', 'team-a', { 'Content-Encoding': 'br' });
    assert.equal(r.status, 400);
    assert.equal(r.text, 'Content-Encoding "br" not supported\n');
  });

  it('rejects entries too far behind the newest of their stream', async () => {
    let r = await push([stream({ app: 'order' }, [ns(9), 'newest'])]);
    assert.equal(r.status, 204);
    r = await push([stream({ app: 'order' }, [ns(-1800), 'half an hour behind'])]);
    assert.equal(r.status, 400);
    assert.match(
      r.text,
      /^entry with timestamp .* ignored, reason: 'entry too far behind, entry timestamp is: .*, oldest acceptable timestamp is: .*',\nuser 'team-a', total ignored: 1 out of 1 for stream: \{app="order"\}\n$/,
    );
  });

  it('keeps tenants apart', async () => {
    const q = await queryRange(skald.url, { query: '{app="ok"}', start: ns(-600), end: ns(600) }, 'team-b');
    assert.equal(q.status, 200);
    assert.deepEqual(q.json.data.result, []);
    const mine = await queryRange(skald.url, { query: '{app="ok"}', start: ns(-600), end: ns(600) }, 'team-a');
    assert.equal(linesOf(mine.json).length, 2);
  });
});
