import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { describeObjectClientContract } from '../../testing/object-client-contract.js';
import { FilesystemObjectClient, InvalidObjectKeyError, TEMP_FILE_PREFIX } from './filesystem.js';

const created: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'skald-fs-objstore-'));
  created.push(dir);
  return dir;
}

after(async () => {
  await Promise.all(created.map((dir) => rm(dir, { recursive: true, force: true })));
});

describeObjectClientContract('filesystem', async () => {
  const client = await FilesystemObjectClient.open(await tempDir());
  return { client, close: () => client.stop() };
});

test('keys map to paths below the directory', async () => {
  const dir = await tempDir();
  const client = await FilesystemObjectClient.open(dir);
  await client.putObject('fake/8b2a9c1f4e3d/18c9:18ca:1a2b3c4d', Buffer.from('chunk'));
  assert.equal((await stat(join(dir, 'fake', '8b2a9c1f4e3d', '18c9:18ca:1a2b3c4d'))).size, 5);
});

test('keys that could escape the directory are rejected', async () => {
  const dir = await tempDir();
  const client = await FilesystemObjectClient.open(join(dir, 'store'));
  await writeFile(join(dir, 'outside'), 'secret');
  for (const key of [
    '../outside',
    'a/../../outside',
    '/etc/passwd',
    'a//b',
    'a/./b',
    'a/',
    '',
    `a/${TEMP_FILE_PREFIX}x`,
    'nul\0byte',
  ]) {
    await assert.rejects(client.getObject(key), InvalidObjectKeyError, JSON.stringify(key));
    await assert.rejects(client.putObject(key, Buffer.from('x')), InvalidObjectKeyError, JSON.stringify(key));
    await assert.rejects(client.deleteObject(key), InvalidObjectKeyError, JSON.stringify(key));
  }
  assert.deepEqual(await client.list('../', '/'), { objects: [], commonPrefixes: [] });
  assert.deepEqual(await client.list('/', '/'), { objects: [], commonPrefixes: [] });
});

test('a put leaves no temporary file behind', async () => {
  const dir = await tempDir();
  const client = await FilesystemObjectClient.open(dir);
  await client.putObject('a/b', Buffer.from('1'));
  await client.putObject('a/b', Buffer.from('2'));
  assert.deepEqual(await readdir(join(dir, 'a')), ['b']);
});

test('temporary files are invisible to listings and to the emptiness of prefixes', async () => {
  const dir = await tempDir();
  const client = await FilesystemObjectClient.open(dir);
  await client.putObject('t/real', Buffer.from('1'));
  await writeFile(join(dir, 't', `${TEMP_FILE_PREFIX}123-abc`), 'partial');
  await writeFile(join(dir, `${TEMP_FILE_PREFIX}456-def`), 'partial');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(dir, 'only-temp'));
  await writeFile(join(dir, 'only-temp', `${TEMP_FILE_PREFIX}789-abc`), 'partial');
  assert.deepEqual(
    (await client.list('')).objects.map((o) => o.key),
    ['t/real'],
  );
  assert.deepEqual(await client.list('', '/'), { objects: [], commonPrefixes: ['t/'] });
});

test('opening the store removes stale temporary files a crash left behind, keeps fresh ones', async () => {
  const dir = await tempDir();
  const first = await FilesystemObjectClient.open(dir);
  await first.putObject('idx/a/b', Buffer.from('keep'));
  const stale = join(dir, 'idx', 'a', `${TEMP_FILE_PREFIX}1-dead`);
  const fresh = join(dir, 'idx', `${TEMP_FILE_PREFIX}2-live`);
  await writeFile(stale, 'half a chunk');
  await writeFile(fresh, 'being written by another process');
  const hourAgo = new Date(Date.now() - 3_600_000);
  await utimes(stale, hourAgo, hourAgo);

  const reopened = await FilesystemObjectClient.open(dir);
  assert.deepEqual(await readdir(join(dir, 'idx', 'a')), ['b']);
  assert.ok((await readdir(join(dir, 'idx'))).includes(`${TEMP_FILE_PREFIX}2-live`));
  assert.equal((await reopened.getObject('idx/a/b')).toString(), 'keep');
  assert.equal(await reopened.removeStaleTempFiles(0), 1);
});

test('delete removes parent directories it left empty, never the root', async () => {
  const dir = await tempDir();
  const client = await FilesystemObjectClient.open(dir);
  await client.putObject('tenant/day/1/chunk', Buffer.from('x'));
  await client.putObject('tenant/keep', Buffer.from('y'));
  await client.deleteObject('tenant/day/1/chunk');
  assert.deepEqual(await readdir(join(dir, 'tenant')), ['keep']);
  await client.deleteObject('tenant/keep');
  assert.deepEqual(await readdir(dir), []);
  assert.ok((await stat(dir)).isDirectory());
});

test('a second client on the same directory sees what the first wrote', async () => {
  const dir = await tempDir();
  const writer = await FilesystemObjectClient.open(dir);
  const reader = new FilesystemObjectClient(dir);
  await writer.putObject('index/table/file.gz', Buffer.from('index'));
  assert.equal((await reader.getObject('index/table/file.gz')).toString(), 'index');
  assert.deepEqual((await reader.list('index/', '/')).commonPrefixes, ['index/table/']);
});

test('puts racing with deletes of the same directory all land', async () => {
  const dir = await tempDir();
  const client = await FilesystemObjectClient.open(dir);
  const work: Promise<void>[] = [];
  for (let i = 0; i < 200; i++) {
    work.push(client.putObject(`race/dir/k${i}`, Buffer.from(String(i))));
    work.push(client.deleteObject(`race/dir/k${i - 1}`));
  }
  await Promise.all(work);
  await client.putObject('race/dir/final', Buffer.from('f'));
  assert.equal((await client.getObject('race/dir/final')).toString(), 'f');
});

test('a range read of a huge length allocates only what the file holds', async () => {
  const dir = await tempDir();
  const client = await FilesystemObjectClient.open(dir);
  await client.putObject('small', Buffer.from('abc'));
  const out = await client.getObjectRange('small', 1, Number.MAX_SAFE_INTEGER);
  assert.equal(out.toString(), 'bc');
  await assert.rejects(client.getObjectRange('small', -1, 2), RangeError);
});

test('an empty directory name is refused', () => {
  assert.throws(() => new FilesystemObjectClient(''), /directory must not be empty/);
});
