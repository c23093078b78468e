import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expandGlob, globMatch } from './glob.js';

describe('glob matching (doublestar rules)', () => {
  it('keeps * and ? within one path segment', () => {
    assert.equal(globMatch('/var/log/*.log', '/var/log/a.log'), true);
    assert.equal(globMatch('/var/log/*.log', '/var/log/sub/a.log'), false);
    assert.equal(globMatch('/var/log/?.log', '/var/log/ab.log'), false);
  });

  it('lets ** span any number of directories, including none', () => {
    assert.equal(globMatch('/var/log/**/*.log', '/var/log/a.log'), true);
    assert.equal(globMatch('/var/log/**/*.log', '/var/log/x/y/z/a.log'), true);
    assert.equal(globMatch('/var/log/**/*.log', '/var/lib/a.log'), false);
  });

  it('supports classes, negated classes and alternatives', () => {
    assert.equal(globMatch('/l/[a-c].log', '/l/b.log'), true);
    assert.equal(globMatch('/l/[!a-c].log', '/l/b.log'), false);
    assert.equal(globMatch('/l/{app,web}-*.log', '/l/web-1.log'), true);
    assert.equal(globMatch('/l/{app,web}-*.log', '/l/db-1.log'), false);
  });

  it('matches the Helm chart pod path pattern', () => {
    const pattern = '/var/log/pods/*1f2e-uid/nginx/*.log';
    assert.equal(globMatch(pattern, '/var/log/pods/default_web-1_1f2e-uid/nginx/0.log'), true);
    assert.equal(globMatch(pattern, '/var/log/pods/default_web-1_1f2e-uid/nginx/0.log.20240101-000000'), false);
  });

  it('treats a pattern without metacharacters as a literal path', () => {
    assert.equal(globMatch('/a/b.log', '/a/b.log'), true);
    assert.equal(globMatch('/a/b.log', '/a/c.log'), false);
  });
});

describe('glob expansion', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'skald-glob-'));
    mkdirSync(join(dir, 'a/b/c'), { recursive: true });
    mkdirSync(join(dir, 'real'), { recursive: true });
    for (const f of ['x.log', 'a/y.log', 'a/b/c/z.log', 'a/b/skip.txt', 'real/r.log']) writeFileSync(join(dir, f), '');
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds files through ** and symbolic links, sorted', async () => {
    assert.deepEqual(await expandGlob(`${dir}/**/*.log`), [
      join(dir, 'a/b/c/z.log'),
      join(dir, 'a/y.log'),
      join(dir, 'link/r.log'),
      join(dir, 'real/r.log'),
      join(dir, 'x.log'),
    ]);
  });

  it('expands single-segment wildcards', async () => {
    assert.deepEqual(await expandGlob(`${dir}/*/y.log`), [join(dir, 'a/y.log')]);
    assert.deepEqual(await expandGlob(`${dir}/nothing/*.log`), []);
  });
});
