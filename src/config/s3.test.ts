import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseS3Url, resolveS3, S3ConfigError } from './s3.js';
import { defaultValue } from './schema/defaults.js';
import { configBlock } from './schema/root.js';
import type { S3StorageConfig } from './types.js';

const base = (): S3StorageConfig => defaultValue(configBlock).common.storage.s3;

test('s3://key:secret@region/bucket gives credentials, region and bucket', () => {
  const r = resolveS3({ ...base(), s3: 's3://AKIA123:s3cr%2Ft@eu-west-1/loki-chunks' });
  assert.deepEqual(r.credentials, { accessKeyId: 'AKIA123', secretAccessKey: 's3cr/t', sessionToken: '' });
  assert.equal(r.region, 'eu-west-1');
  assert.equal(r.endpoint, '');
  assert.deepEqual(r.bucketNames, ['loki-chunks']);
});

test('a host name in the URL is an endpoint; s3:// means plain HTTP, https:// keeps TLS', () => {
  const plain = resolveS3({ ...base(), s3: 's3://minio.local:9000/logs' });
  assert.equal(plain.endpoint, 'http://minio.local:9000');
  assert.equal(plain.insecure, true);
  assert.equal(plain.credentials, null, 'no credentials: the default credential chain applies');
  const tls = resolveS3({ ...base(), s3: 'https://key:secret@s3.us-east-2.amazonaws.com/logs' });
  assert.equal(tls.endpoint, 'https://s3.us-east-2.amazonaws.com');
  assert.equal(tls.insecure, false);
});

test('discrete keys win over the URL', () => {
  const r = resolveS3({
    ...base(),
    s3: 's3://urlkey:urlsecret@us-east-1/url-bucket',
    endpoint: 'oss-cn-beijing-internal.aliyuncs.com',
    region: 'cn-beijing',
    bucketnames: 'a,b',
    access_key_id: 'id',
    secret_access_key: 'secret',
  });
  assert.equal(r.endpoint, 'https://oss-cn-beijing-internal.aliyuncs.com');
  assert.equal(r.region, 'cn-beijing');
  assert.deepEqual(r.bucketNames, ['a', 'b']);
  assert.deepEqual(r.credentials, { accessKeyId: 'id', secretAccessKey: 'secret', sessionToken: '' });
});

test('an endpoint without a scheme follows `insecure`; path-style addressing is passed through', () => {
  const r = resolveS3({ ...base(), endpoint: 'minio:9000', insecure: true, bucketnames: 'x', s3forcepathstyle: true });
  assert.equal(r.endpoint, 'http://minio:9000');
  assert.equal(r.forcePathStyle, true);
});

test('inmemory:///bucket selects the in-memory store; no bucket at all is an error', () => {
  assert.equal(resolveS3({ ...base(), s3: 'inmemory:///test' }).inMemory, true);
  assert.throws(() => resolveS3(base()), new S3ConfigError('at least one bucket name must be specified'));
});

test('URLs are split without touching the host case', () => {
  assert.deepEqual(parseS3Url('s3://k@Region-1/b/c'), {
    scheme: 's3',
    user: 'k',
    password: '',
    host: 'Region-1',
    path: '/b/c',
  });
});
