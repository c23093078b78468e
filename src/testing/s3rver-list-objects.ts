// ListObjectsV2 for the s3rver test server, answered the way S3 answers it.
//
// s3rver 3.7 cannot list like S3 on a current Node: its continuation tokens use
// DES, which OpenSSL 3 no longer offers (every truncated listing fails with
// InternalError); it walks directories in readdir order, so pages are not
// sorted and paging skips keys; and it drops common prefixes whose objects sit
// two or more levels below the delimiter. This middleware takes over
// `GET /<bucket>?list-type=2` (after s3rver's virtual-host rewrite and with its
// authentication) and reads the objects straight from s3rver's directory
// layout: every object is a file "<dir>/<bucket>/<key>._S3rver_object".
import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const OBJECT_SUFFIX = '._S3rver_object';
const MAX_KEYS = 1000;

/** The few members of a Koa context this middleware uses. */
export interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  type: string;
  body: unknown;
  /** Set by s3rver's router; its authentication reads the bucket from here. */
  params?: Record<string, string>;
}
export type KoaNext = () => Promise<unknown>;
export type KoaMiddleware = (ctx: KoaContext, next: KoaNext) => Promise<unknown>;

interface S3ErrorConstructor {
  new (code: string, message: string, detail?: Record<string, string>): Error;
}

const require = createRequire(import.meta.url);
const authentication = (require('s3rver/lib/middleware/authentication') as () => KoaMiddleware)();
const S3Error = require('s3rver/lib/models/error') as S3ErrorConstructor;

interface StoredObject {
  key: string;
  path: string;
}

interface ContinuationToken {
  /** The last entry of the previous page. */
  after: string;
  /** Whether that entry was a common prefix, whose keys must all be skipped. */
  prefix: boolean;
}

export function listObjectsV2Middleware(directory: string): KoaMiddleware {
  return async (ctx, next) => {
    const match = ctx.method === 'GET' && ctx.query['list-type'] === '2' ? /^\/([^/]+)\/?$/.exec(ctx.path) : null;
    if (!match) return next();
    const bucket = decodeURIComponent(match[1]!);
    ctx.params = { bucket };
    return authentication(ctx, async () => {
      ctx.type = 'application/xml';
      ctx.body = await listBucket(join(directory, bucket), bucket, ctx.query);
    });
  };
}

async function listBucket(
  bucketDir: string,
  bucket: string,
  query: Record<string, string | string[] | undefined>,
): Promise<string> {
  const param = (name: string): string => {
    const value = query[name];
    return typeof value === 'string' ? value : '';
  };
  try {
    if (!(await stat(bucketDir)).isDirectory()) throw new Error('not a bucket');
  } catch {
    throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
  }
  const prefix = param('prefix');
  const delimiter = param('delimiter');
  const maxKeys = Math.min(MAX_KEYS, param('max-keys') === '' ? MAX_KEYS : Number(param('max-keys')));
  const tokenParam = param('continuation-token');
  const token: ContinuationToken = tokenParam
    ? (JSON.parse(Buffer.from(tokenParam, 'base64url').toString('utf8')) as ContinuationToken)
    : { after: param('start-after'), prefix: false };

  const objects = (await findObjects(bucketDir, ''))
    .filter((object) => object.key.startsWith(prefix))
    .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));

  const contents: StoredObject[] = [];
  const commonPrefixes: string[] = [];
  let count = 0;
  let truncated = false;
  let last: ContinuationToken | undefined;
  for (const object of objects) {
    const key = object.key;
    if (Buffer.compare(Buffer.from(key), Buffer.from(token.after)) <= 0) continue;
    if (token.prefix && key.startsWith(token.after)) continue;
    const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (at >= 0) {
      const common = key.slice(0, at + delimiter.length);
      if (common === last?.after) continue;
      if (count === maxKeys) {
        truncated = true;
        break;
      }
      commonPrefixes.push(common);
      last = { after: common, prefix: true };
    } else {
      if (count === maxKeys) {
        truncated = true;
        break;
      }
      contents.push(object);
      last = { after: key, prefix: false };
    }
    count++;
  }

  const parts = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    `<Name>${xml(bucket)}</Name>`,
    `<Prefix>${xml(prefix)}</Prefix>`,
    delimiter ? `<Delimiter>${xml(delimiter)}</Delimiter>` : '',
    `<MaxKeys>${maxKeys}</MaxKeys>`,
    `<KeyCount>${count}</KeyCount>`,
    `<IsTruncated>${truncated}</IsTruncated>`,
    tokenParam ? `<ContinuationToken>${xml(tokenParam)}</ContinuationToken>` : '',
    truncated && last
      ? `<NextContinuationToken>${Buffer.from(JSON.stringify(last)).toString('base64url')}</NextContinuationToken>`
      : '',
  ];
  for (const object of contents) {
    const info = await stat(object.path);
    const md5 = await readFile(`${object.path}.md5`, 'utf8').catch(() => '');
    parts.push(
      '<Contents>',
      `<Key>${xml(object.key)}</Key>`,
      `<LastModified>${info.mtime.toISOString()}</LastModified>`,
      `<ETag>&quot;${md5}&quot;</ETag>`,
      `<Size>${info.size}</Size>`,
      '<StorageClass>STANDARD</StorageClass>',
      '</Contents>',
    );
  }
  for (const common of commonPrefixes) parts.push(`<CommonPrefixes><Prefix>${xml(common)}</Prefix></CommonPrefixes>`);
  parts.push('</ListBucketResult>');
  return parts.join('');
}

async function findObjects(dir: string, keyPrefix: string): Promise<StoredObject[]> {
  const found: StoredObject[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await findObjects(path, `${keyPrefix}${entry.name}/`)));
    else if (entry.name.endsWith(OBJECT_SUFFIX)) {
      found.push({ key: keyPrefix + entry.name.slice(0, -OBJECT_SUFFIX.length), path });
    }
  }
  return found;
}

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
