// The whole conformance suite (112 queries: selectors, line filters, parsers,
// metrics, instant queries, time formats, labels and errors) answered exactly
// as Loki 2.9 answered it: from ingester memory, and from the filesystem store
// after a flush and a restart.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { caseIds, conformanceCheck, conformancePush, LOKI_2_9_LIMITS } from './helpers/conformance.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

const IDS = caseIds();

describe('conformance with Loki 2.9', () => {
  let skald: SkaldProcess | undefined;
  after(async () => {
    await skald?.stop();
    await skald?.cleanup();
  });

  it('answers every case from ingester memory', async () => {
    skald = await startSkald({ limits: LOKI_2_9_LIMITS });
    await conformancePush(skald.url);
    const r = await conformanceCheck(skald.url, IDS);
    assert.equal(r.failed, 0, r.output);
    assert.equal(r.passed, IDS.length);
  });

  it('answers every case from the store after a flush and a restart', async () => {
    const res = await fetch(`${skald!.url}/flush`, { method: 'POST' });
    assert.equal(res.status, 204);
    assert.equal(await skald!.stop(), 0);
    skald = await startSkald({ dataDir: skald!.dataDir, port: skald!.port, limits: LOKI_2_9_LIMITS });
    const r = await conformanceCheck(skald.url, IDS);
    assert.equal(r.failed, 0, r.output);
    assert.equal(r.passed, IDS.length);
  });
});
