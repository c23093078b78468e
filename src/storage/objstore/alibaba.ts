// `storage_config.alibabacloud` served through OSS's S3-compatible API.
//
// Loki talks to OSS with Alibaba's own SDK; OSS also speaks S3 (virtual-hosted
// style only) at s3.oss-<region>.aliyuncs.com, signed for the region id
// ("cn-hangzhou"). The block is small enough to translate into an S3 config:
// bucket, endpoint, region and static keys map one to one, and the two
// timeouts become the connect timeout and the socket inactivity timeout.
import { type AlibabaCloudStorageConfig, type AwsStorageConfig, ObjectStoreConfigError } from './config.js';

export const DEFAULT_OSS_CONNECT_TIMEOUT_SEC = 30;
export const DEFAULT_OSS_READ_WRITE_TIMEOUT_SEC = 60;

/** oss-cn-hangzhou.aliyuncs.com, oss-cn-hangzhou-internal.aliyuncs.com, s3.oss-cn-hangzhou.aliyuncs.com */
const OSS_REGIONAL_HOST = /^(s3\.)?oss-([a-z0-9-]+?)(-internal)?\.aliyuncs\.com$/i;
const OSS_GLOBAL_REGIONS = new Set(['accelerate', 'accelerate-overseas']);

export interface OssAsS3 {
  aws: AwsStorageConfig;
  connectTimeoutMs: number;
}

export function ossAsS3Config(cfg: AlibabaCloudStorageConfig): OssAsS3 {
  const readWriteTimeoutSec = cfg.read_write_timeout_sec ?? DEFAULT_OSS_READ_WRITE_TIMEOUT_SEC;
  if (readWriteTimeoutSec <= 0) throw new ObjectStoreConfigError('read write timeout must be greater than 0');
  const signatureVersion = cfg.signature_version || 'v1';
  if (signatureVersion !== 'v1' && signatureVersion !== 'v4')
    throw new ObjectStoreConfigError('unsupported signature version');
  const hasKeys = Boolean(cfg.access_key_id || cfg.secret_access_key);
  if (cfg.ram_role_name && !hasKeys) {
    throw new ObjectStoreConfigError(
      'alibabacloud: ECS RAM role authentication (ram_role_name) is not supported; set access_key_id and secret_access_key, or use storage_config.aws with credentials from the environment',
    );
  }
  if (!cfg.endpoint) throw new ObjectStoreConfigError('alibabacloud: endpoint must be specified');

  const { endpoint, region } = ossS3Endpoint(cfg.endpoint);
  const resolvedRegion = cfg.region || region;
  return {
    aws: {
      endpoint,
      ...(resolvedRegion ? { region: resolvedRegion } : {}),
      ...(cfg.bucket ? { bucketnames: cfg.bucket } : {}),
      ...(cfg.access_key_id ? { access_key_id: cfg.access_key_id } : {}),
      ...(cfg.secret_access_key ? { secret_access_key: cfg.secret_access_key } : {}),
      // OSS refuses path-style requests.
      s3forcepathstyle: false,
      http_config: { response_header_timeout: readWriteTimeoutSec * 1000 },
    },
    connectTimeoutMs: (cfg.conn_timeout_sec ?? DEFAULT_OSS_CONNECT_TIMEOUT_SEC) * 1000,
  };
}

/**
 * The S3-protocol endpoint for a configured OSS endpoint, and the region it
 * implies. Regional OSS hosts get the "s3." prefix Alibaba documents for S3
 * clients; custom domains are used as written.
 */
export function ossS3Endpoint(configured: string): { endpoint: string; region?: string } {
  const schemeEnd = configured.indexOf('://');
  const scheme = schemeEnd >= 0 ? configured.slice(0, schemeEnd) : 'https';
  const rest = schemeEnd >= 0 ? configured.slice(schemeEnd + 3) : configured;
  const slash = rest.indexOf('/');
  const host = slash >= 0 ? rest.slice(0, slash) : rest;
  const match = OSS_REGIONAL_HOST.exec(host);
  if (!match) return { endpoint: `${scheme}://${host}` };
  const region = match[2]!.toLowerCase();
  const s3Host = match[1] ? host : `s3.${host}`;
  return {
    endpoint: `${scheme}://${s3Host}`,
    ...(OSS_GLOBAL_REGIONS.has(region) ? {} : { region }),
  };
}
