// The parts of Loki's `storage_config` block that the object stores read. Keys
// keep Loki's YAML spelling; durations arrive already converted to milliseconds.
// Every field is optional: missing ones take Loki's defaults (see s3-config.ts).

/** `storage_config.filesystem` (Loki's local_storage_config). */
export interface FilesystemStorageConfig {
  directory?: string;
}

/** `storage_config.aws.http_config`. */
export interface S3HttpConfig {
  /** Whole-request limit, 0 = none. */
  timeout?: number;
  /** How long an idle keep-alive connection stays open. Default 90s. */
  idle_conn_timeout?: number;
  /** How long to wait for the response headers once the request is sent, 0 = no limit. */
  response_header_timeout?: number;
  insecure_skip_verify?: boolean;
  /** PEM file with the CAs that may sign the endpoint's certificate (replaces the system CAs). */
  ca_file?: string;
}

/** `storage_config.aws.sse`. */
export interface S3SseConfig {
  /** "SSE-S3" or "SSE-KMS"; empty disables server-side encryption headers. */
  type?: string;
  kms_key_id?: string;
  /** JSON object, sent base64-encoded. */
  kms_encryption_context?: string;
}

/** `storage_config.aws.backoff_config` (dskit backoff). */
export interface BackoffConfig {
  min_period?: number;
  max_period?: number;
  /** Attempts in all, 0 = unlimited (bounded only by the caller's abort signal). */
  max_retries?: number;
}

/** `storage_config.aws` (Loki's s3_storage_config). */
export interface AwsStorageConfig {
  /** URL form: s3://key:secret@region/bucket, s3://host.with.dots/bucket, https://host/bucket. */
  s3?: string;
  s3forcepathstyle?: boolean;
  /** Comma-separated; keys are spread over the buckets by hash. Overrides the URL's bucket. */
  bucketnames?: string;
  endpoint?: string;
  region?: string;
  access_key_id?: string;
  secret_access_key?: string;
  session_token?: string;
  insecure?: boolean;
  http_config?: S3HttpConfig;
  signature_version?: string;
  storage_class?: string;
  sse?: S3SseConfig;
  backoff_config?: BackoffConfig;
  /** Replaces ':' in keys (chunk IDs) for stores that cannot hold it, e.g. MinIO on Windows. */
  chunk_delimiter?: string;
  /** Accepted for compatibility; Node picks IPv4/IPv6 by itself. */
  disable_dualstack?: boolean;
}

/** `storage_config.alibabacloud` (Loki's alibabacloud_storage_config). */
export interface AlibabaCloudStorageConfig {
  bucket?: string;
  /** e.g. oss-cn-hangzhou.aliyuncs.com */
  endpoint?: string;
  /** e.g. cn-hangzhou; derived from the endpoint when empty. */
  region?: string;
  access_key_id?: string;
  secret_access_key?: string;
  ram_role_name?: string;
  conn_timeout_sec?: number;
  read_write_timeout_sec?: number;
  signature_version?: string;
}

/** `storage_config.named_stores`: extra stores a schema period can name in `object_store`. */
export interface NamedStoresConfig {
  aws?: Record<string, AwsStorageConfig>;
  filesystem?: Record<string, FilesystemStorageConfig>;
  alibabacloud?: Record<string, AlibabaCloudStorageConfig>;
}

/** The `storage_config` block, as far as object stores are concerned. */
export interface StorageConfig {
  filesystem?: FilesystemStorageConfig;
  aws?: AwsStorageConfig;
  alibabacloud?: AlibabaCloudStorageConfig;
  named_stores?: NamedStoresConfig;
  /** Experimental in Loki: a constant prefix for every key, e.g. "loki/". */
  object_prefix?: string;
}

/** A store's configuration cannot work; raised when the client is built. */
export class ObjectStoreConfigError extends Error {
  override name = 'ObjectStoreConfigError';
}
