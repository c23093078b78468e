// A chunk damaged on disk is detected by its checksums and reported, never
// returned as data; other streams are unaffected.
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { linesOf, pushProto, queryRange } from './helpers/loki-client.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

const BASE = 1_700_000_000_000_000_000n;

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(dir)) {
    const p = join(dir, name);
    if ((await stat(p)).isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

describe('chunk corruption', () => {
  let skald: SkaldProcess | undefined;
  after(async () => {
    await skald?.stop();
    await skald?.cleanup();
  });

  it('reports a damaged chunk instead of returning its data', async () => {
    skald = await startSkald();
    const entries = (app: string) =>
      Array.from({ length: 500 }, (_, i) => ({
        ts: BASE + BigInt(i) * 1_000_000n,
        line: `${app} line ${i} ${'x'.repeat(i % 40)}`,
      }));
    assert.equal(
      (
        await pushProto(skald.url, [
          { labels: '{app="damaged"}', entries: entries('damaged') },
          { labels: '{app="intact"}', entries: entries('intact') },
        ])
      ).status,
      204,
    );
    assert.equal((await fetch(`${skald.url}/flush`, { method: 'POST' })).status, 204);
    assert.equal(await skald.stop(), 0);

    // Flip one byte in the middle of the damaged stream's chunk object.
    const fp = (await filesUnder(join(skald.dataDir, 'chunks', 'fake'))).filter((f) => !f.includes('/index/'));
    let damaged = '';
    for (const f of fp) {
      const body = await readFile(f);
      if (!body.includes(Buffer.from('{app="damaged"}'))) continue;
      body[Math.floor(body.length / 2)] = body[Math.floor(body.length / 2)]! ^ 0xff;
      await writeFile(f, body);
      damaged = f;
    }
    assert.ok(damaged, 'found the chunk object of the damaged stream');

    skald = await startSkald({ dataDir: skald.dataDir, port: skald.port });
    const bad = await queryRange(skald.url, {
      query: '{app="damaged"}',
      start: String(BASE),
      end: String(BASE + 1_000_000_000n),
      limit: '1000',
    });
    assert.equal(bad.status, 500);
    assert.match(bad.text, /is corrupt: .*checksum mismatch/);
    assert.doesNotMatch(bad.text, /damaged line/);
    const good = await queryRange(skald.url, {
      query: '{app="intact"}',
      start: String(BASE),
      end: String(BASE + 1_000_000_000n),
      limit: '1000',
    });
    assert.equal(good.status, 200);
    assert.equal(linesOf(good.json).length, 500);
  });
});
