// The behaviour every ObjectClient must show, as one suite that each
// implementation's tests run against a real backend (a directory, an S3 server).
// Chunks and index files written through one implementation must read back the
// same way through any other, so the rules are S3's: byte-exact bodies, keys
// compared by bytes, listings that page through everything.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { isObjectNotFound, type ObjectClient } from '../storage/objstore/client.js';

export interface ContractSubject {
  client: ObjectClient;
  /** Releases the client and whatever backs it. */
  close(): Promise<void>;
}

/** Keys shaped like the ones Loki writes: chunk IDs with ':', index tables, tenant folders. */
export const LOKI_STYLE_KEYS = [
  'fake/8b2a9c1f4e3d/18c9:18ca:1a2b3c4d',
  'fake/8b2a9c1f4e3d/MTg3YjQ5OGEzZjc6MTg3YjQ5OGFhYjg6ZTcyOWRhMQ==',
  'index/index_19500/fake/1684656000-ingester-1-1684656093727.tsdb.gz',
  'index/delete_requests/delete_requests.gz',
  'rules/tenant-1/namespace with spaces/group+plus=equals',
  'odd/chars/~tilde/%percent/&amp/é-ü-漢字/😀',
];

async function withSubject(open: () => Promise<ContractSubject>, body: (client: ObjectClient) => Promise<void>) {
  const subject = await open();
  try {
    await body(subject.client);
  } finally {
    await subject.close();
  }
}

async function putAll(client: ObjectClient, keys: string[], concurrency = 32): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++]!;
      await client.putObject(key, Buffer.from(key));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function keysOf(objects: { key: string }[]): string[] {
  return objects.map((object) => object.key);
}

async function assertNotFound(promise: Promise<unknown>, key: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isObjectNotFound(err), `expected ObjectNotFoundError, got ${String(err)}`);
    assert.equal(err.key, key);
    return true;
  });
}

export interface ContractOptions {
  /**
   * Whether the backend itself makes concurrent writes of one key atomic. Real
   * S3 does; s3rver writes objects in place, so racing puts can interleave
   * there whatever the client does.
   */
  backendHasAtomicOverwrites?: boolean;
}

/** Registers the contract tests for one implementation; `open` must give a fresh, empty store each time. */
export function describeObjectClientContract(
  name: string,
  open: () => Promise<ContractSubject>,
  options: ContractOptions = {},
): void {
  const atomicOverwrites = options.backendHasAtomicOverwrites ?? true;
  describe(`ObjectClient contract: ${name}`, () => {
    test('a put object reads back byte for byte', async () => {
      await withSubject(open, async (client) => {
        await client.putObject('a/b/c', Buffer.from('hello'));
        assert.deepEqual(await client.getObject('a/b/c'), Buffer.from('hello'));
      });
    });

    test('a put replaces the previous object', async () => {
      await withSubject(open, async (client) => {
        await client.putObject('k', Buffer.from('a much longer first version'));
        await client.putObject('k', Buffer.from('second'));
        assert.deepEqual(await client.getObject('k'), Buffer.from('second'));
        assert.equal((await client.headObject('k'))?.size, 6);
      });
    });

    test('an empty object is stored and read as empty', async () => {
      await withSubject(open, async (client) => {
        await client.putObject('empty', Buffer.alloc(0));
        assert.equal((await client.getObject('empty')).length, 0);
        assert.equal((await client.headObject('empty'))?.size, 0);
      });
    });

    test('binary bodies survive unchanged', async () => {
      await withSubject(open, async (client) => {
        const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
        const large = randomBytes(3 * 1024 * 1024 + 17);
        await client.putObject('bin/every-byte', everyByte);
        await client.putObject('bin/large', large);
        assert.deepEqual(await client.getObject('bin/every-byte'), everyByte);
        assert.ok((await client.getObject('bin/large')).equals(large));
      });
    });

    test('range reads return exactly the requested bytes', async () => {
      await withSubject(open, async (client) => {
        const body = Buffer.from('0123456789abcdef');
        await client.putObject('r', body);
        assert.equal((await client.getObjectRange('r', 0, 4)).toString(), '0123');
        assert.equal((await client.getObjectRange('r', 10, 3)).toString(), 'abc');
        assert.equal((await client.getObjectRange('r', 15, 1)).toString(), 'f');
        assert.equal((await client.getObjectRange('r', 0, 16)).toString(), body.toString());
      });
    });

    test('range reads past the end return what exists', async () => {
      await withSubject(open, async (client) => {
        await client.putObject('r', Buffer.from('0123456789'));
        assert.equal((await client.getObjectRange('r', 8, 100)).toString(), '89');
        assert.equal((await client.getObjectRange('r', 10, 5)).length, 0);
        assert.equal((await client.getObjectRange('r', 50, 5)).length, 0);
        assert.equal((await client.getObjectRange('r', 3, 0)).length, 0);
      });
    });

    test('a range read within a large object reads the right window', async () => {
      await withSubject(open, async (client) => {
        const large = randomBytes(2 * 1024 * 1024);
        await client.putObject('big', large);
        const window = await client.getObjectRange('big', 1_000_003, 65_537);
        assert.ok(window.equals(large.subarray(1_000_003, 1_000_003 + 65_537)));
      });
    });

    test('head reports size and modification time, null when absent', async () => {
      await withSubject(open, async (client) => {
        const before = Date.now();
        await client.putObject('h/obj', Buffer.from('12345'));
        const attributes = await client.headObject('h/obj');
        assert.ok(attributes);
        assert.equal(attributes.key, 'h/obj');
        assert.equal(attributes.size, 5);
        // Stores keep whole seconds; allow for that and a little clock skew.
        assert.ok(Math.abs(attributes.modifiedMs - before) < 5 * 60_000, `modifiedMs ${attributes.modifiedMs}`);
        assert.equal(await client.headObject('h/absent'), null);
        assert.equal(await client.headObject('h'), null, 'a "directory" is not an object');
      });
    });

    test('missing objects reject with ObjectNotFoundError', async () => {
      await withSubject(open, async (client) => {
        await assertNotFound(client.getObject('nope/missing'), 'nope/missing');
        await assertNotFound(client.getObjectRange('nope/missing', 0, 10), 'nope/missing');
        await assertNotFound(client.getObjectRange('nope/missing', 0, 0), 'nope/missing');
        await client.putObject('dir/child', Buffer.from('x'));
        await assertNotFound(client.getObject('dir'), 'dir');
      });
    });

    test('delete removes the object and tolerates absent ones', async () => {
      await withSubject(open, async (client) => {
        await client.putObject('d/one', Buffer.from('1'));
        await client.putObject('d/two', Buffer.from('2'));
        await client.deleteObject('d/one');
        await assertNotFound(client.getObject('d/one'), 'd/one');
        assert.deepEqual(await client.getObject('d/two'), Buffer.from('2'));
        await client.deleteObject('d/one');
        await client.deleteObject('never/existed');
      });
    });

    test('deleting the last object under a prefix makes the prefix disappear from listings', async () => {
      await withSubject(open, async (client) => {
        await client.putObject('tenant/day/chunk', Buffer.from('x'));
        await client.putObject('other', Buffer.from('y'));
        assert.deepEqual((await client.list('', '/')).commonPrefixes, ['tenant/']);
        await client.deleteObject('tenant/day/chunk');
        const after = await client.list('', '/');
        assert.deepEqual(after.commonPrefixes, []);
        assert.deepEqual(keysOf(after.objects), ['other']);
        // The prefix can be written to again.
        await client.putObject('tenant/day/chunk2', Buffer.from('z'));
        assert.deepEqual((await client.list('tenant/day/')).objects.length, 1);
      });
    });

    test('list without a delimiter returns every object below the prefix, sorted', async () => {
      await withSubject(open, async (client) => {
        await putAll(client, ['p/b', 'p/a/2', 'p/a/1', 'p/c/d/e/f', 'q/x', 'p0']);
        const result = await client.list('p/');
        assert.deepEqual(keysOf(result.objects), ['p/a/1', 'p/a/2', 'p/b', 'p/c/d/e/f']);
        assert.deepEqual(result.commonPrefixes, []);
        assert.deepEqual(result.objects[0]?.size, 5);
        assert.deepEqual(keysOf((await client.list('')).objects), ['p/a/1', 'p/a/2', 'p/b', 'p/c/d/e/f', 'p0', 'q/x']);
      });
    });

    test('list with "/" returns the objects directly under the prefix and the sub-prefixes', async () => {
      await withSubject(open, async (client) => {
        await putAll(client, ['index/t1/f1', 'index/t1/f2', 'index/t2/deep/f', 'index/top', 'other/x', 'root']);
        const root = await client.list('', '/');
        assert.deepEqual(keysOf(root.objects), ['root']);
        assert.deepEqual(root.commonPrefixes, ['index/', 'other/']);
        const index = await client.list('index/', '/');
        assert.deepEqual(keysOf(index.objects), ['index/top']);
        assert.deepEqual(index.commonPrefixes, ['index/t1/', 'index/t2/']);
        const t1 = await client.list('index/t1/', '/');
        assert.deepEqual(keysOf(t1.objects), ['index/t1/f1', 'index/t1/f2']);
        assert.deepEqual(t1.commonPrefixes, []);
      });
    });

    test('a prefix need not end at a "/" boundary', async () => {
      await withSubject(open, async (client) => {
        await putAll(client, ['index/table_1/a', 'index/table_2/b', 'index/tabby', 'index/other', 'indexes']);
        const grouped = await client.list('index/tab', '/');
        assert.deepEqual(keysOf(grouped.objects), ['index/tabby']);
        assert.deepEqual(grouped.commonPrefixes, ['index/table_1/', 'index/table_2/']);
        const flat = await client.list('index/tab');
        assert.deepEqual(keysOf(flat.objects), ['index/tabby', 'index/table_1/a', 'index/table_2/b']);
        const top = await client.list('index', '/');
        assert.deepEqual(keysOf(top.objects), ['indexes']);
        assert.deepEqual(top.commonPrefixes, ['index/']);
        const exact = await client.list('index/tabby');
        assert.deepEqual(keysOf(exact.objects), ['index/tabby']);
      });
    });

    test('a prefix matching nothing lists nothing', async () => {
      await withSubject(open, async (client) => {
        assert.deepEqual(await client.list('', '/'), { objects: [], commonPrefixes: [] });
        await client.putObject('x/y', Buffer.from('1'));
        assert.deepEqual(await client.list('nothing/', '/'), { objects: [], commonPrefixes: [] });
        assert.deepEqual(await client.list('x/y/'), { objects: [], commonPrefixes: [] });
        assert.deepEqual(await client.list('nothing'), { objects: [], commonPrefixes: [] });
      });
    });

    test('a delimiter other than "/" groups keys on it', async () => {
      await withSubject(open, async (client) => {
        await putAll(client, ['c/tenant:1:a', 'c/tenant:1:b', 'c/tenant:2:a', 'c/tenant']);
        const result = await client.list('c/tenant:', ':');
        assert.deepEqual(keysOf(result.objects), []);
        assert.deepEqual(result.commonPrefixes, ['c/tenant:1:', 'c/tenant:2:']);
      });
    });

    test('more than a thousand objects are all listed (paging)', async () => {
      await withSubject(open, async (client) => {
        const keys: string[] = [];
        for (let i = 0; i < 1105; i++) keys.push(`many/${String(i).padStart(5, '0')}`);
        for (let i = 0; i < 1003; i++) keys.push(`many/sub${String(i).padStart(4, '0')}/x`);
        await putAll(client, keys);
        const flat = await client.list('many/');
        assert.equal(flat.objects.length, keys.length);
        assert.deepEqual(keysOf(flat.objects), keys.slice().sort());
        const grouped = await client.list('many/', '/');
        assert.equal(grouped.objects.length, 1105);
        assert.equal(grouped.commonPrefixes.length, 1003);
        assert.equal(grouped.commonPrefixes[0], 'many/sub0000/');
        assert.equal(grouped.commonPrefixes.at(-1), 'many/sub1002/');
      });
    });

    test('keys with ":" and other characters Loki uses round-trip and list as written', async () => {
      await withSubject(open, async (client) => {
        for (const key of LOKI_STYLE_KEYS) await client.putObject(key, Buffer.from(`body of ${key}`));
        for (const key of LOKI_STYLE_KEYS) {
          assert.deepEqual(await client.getObject(key), Buffer.from(`body of ${key}`), key);
          assert.equal((await client.headObject(key))?.size, Buffer.byteLength(`body of ${key}`), key);
        }
        assert.deepEqual(keysOf((await client.list('')).objects), LOKI_STYLE_KEYS.slice().sort(compareUtf8));
        assert.deepEqual(keysOf((await client.list('fake/8b2a9c1f4e3d/', '/')).objects), LOKI_STYLE_KEYS.slice(0, 2));
        for (const key of LOKI_STYLE_KEYS) await client.deleteObject(key);
        assert.deepEqual(await client.list(''), { objects: [], commonPrefixes: [] });
      });
    });

    // Only stores that promise atomic overwrites are held to it; the S3 test server
    // (s3rver) rewrites objects in place, so the race would be the server's, not ours.
    if (atomicOverwrites) {
      test('concurrent puts of one key leave one whole version', async () => {
        await withSubject(open, async (client) => {
          const versions = Array.from({ length: 8 }, (_, i) => Buffer.alloc(256 * 1024, i + 1));
          await Promise.all(versions.map((body) => client.putObject('race/key', body)));
          const result = await client.getObject('race/key');
          assert.ok(
            versions.some((body) => body.equals(result)),
            'the stored object is one of the written versions',
          );
          assert.deepEqual(keysOf((await client.list('race/')).objects), ['race/key']);
        });
      });
    }
  });
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
