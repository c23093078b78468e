import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ossAsS3Config, ossS3Endpoint } from './alibaba.js';

test('regional OSS endpoints map to the S3-protocol host and imply the region', () => {
  assert.deepEqual(ossS3Endpoint('oss-cn-hangzhou.aliyuncs.com'), {
    endpoint: 'https://s3.oss-cn-hangzhou.aliyuncs.com',
    region: 'cn-hangzhou',
  });
  assert.deepEqual(ossS3Endpoint('http://oss-ap-southeast-1-internal.aliyuncs.com'), {
    endpoint: 'http://s3.oss-ap-southeast-1-internal.aliyuncs.com',
    region: 'ap-southeast-1',
  });
  assert.deepEqual(ossS3Endpoint('https://s3.oss-eu-central-1.aliyuncs.com'), {
    endpoint: 'https://s3.oss-eu-central-1.aliyuncs.com',
    region: 'eu-central-1',
  });
});

test('custom domains and acceleration endpoints are used as written', () => {
  assert.deepEqual(ossS3Endpoint('logs.example.com'), { endpoint: 'https://logs.example.com' });
  assert.deepEqual(ossS3Endpoint('oss-accelerate.aliyuncs.com'), {
    endpoint: 'https://s3.oss-accelerate.aliyuncs.com',
  });
});

test('the alibabacloud block becomes a virtual-hosted S3 config', () => {
  const { aws, connectTimeoutMs } = ossAsS3Config({
    bucket: 'loki',
    endpoint: 'oss-cn-shanghai.aliyuncs.com',
    access_key_id: 'LTAI',
    secret_access_key: 'secret',
    conn_timeout_sec: 5,
    read_write_timeout_sec: 20,
  });
  assert.deepEqual(aws, {
    endpoint: 'https://s3.oss-cn-shanghai.aliyuncs.com',
    region: 'cn-shanghai',
    bucketnames: 'loki',
    access_key_id: 'LTAI',
    secret_access_key: 'secret',
    s3forcepathstyle: false,
    http_config: { response_header_timeout: 20_000 },
  });
  assert.equal(connectTimeoutMs, 5_000);
  assert.equal(
    ossAsS3Config({ bucket: 'b', endpoint: 'oss-cn-shanghai.aliyuncs.com', region: 'cn-x' }).aws.region,
    'cn-x',
  );
});

test('alibabacloud settings Loki rejects are rejected with its words', () => {
  assert.throws(
    () => ossAsS3Config({ endpoint: 'oss-cn-beijing.aliyuncs.com', read_write_timeout_sec: 0 }),
    /^ObjectStoreConfigError: read write timeout must be greater than 0$/,
  );
  assert.throws(
    () => ossAsS3Config({ endpoint: 'oss-cn-beijing.aliyuncs.com', signature_version: 'v2' }),
    /^ObjectStoreConfigError: unsupported signature version$/,
  );
  assert.throws(() => ossAsS3Config({ endpoint: 'e', ram_role_name: 'role' }), /ram_role_name/);
});
