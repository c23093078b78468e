// The object-store client blocks Loki reuses in storage_config, common.storage,
// ruler.storage and named_stores.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, dur, f, fixedFlag, float, int, secret, str, url } from '../dsl.js';

/** Loki's `azure_storage_config` block; `p` is the flag prefix of this instance (null: no flags, as in named stores). */
export const azureStorageConfig = (p: string | null) =>
  block('azure.BlobStorageConfig', {
    environment: str('AzureGlobal', f(p, 'azure.environment')),
    account_name: str('', f(p, 'azure.account-name')),
    account_key: secret('', f(p, 'azure.account-key')),
    connection_string: secret('', f(p, 'azure.connection-string')),
    container_name: str('loki', f(p, 'azure.container-name')),
    active_directory_endpoint: str('', f(p, 'azure.active-directory-endpoint')),
    endpoint_suffix: str('', f(p, 'azure.endpoint-suffix')),
    use_managed_identity: bool(false, f(p, 'azure.use-managed-identity')),
    use_federated_token: bool(false, f(p, 'azure.use-federated-token')),
    user_assigned_id: str('', f(p, 'azure.user-assigned-id')),
    use_service_principal: bool(false, f(p, 'azure.use-service-principal')),
    client_id: str('', f(p, 'azure.client-id')),
    client_secret: secret('', f(p, 'azure.client-secret')),
    tenant_id: str('', f(p, 'azure.tenant-id')),
    chunk_delimiter: str('-', f(p, 'azure.chunk-delimiter')),
    download_buffer_size: int(512000, f(p, 'azure.download-buffer-size')),
    upload_buffer_size: int(256000, f(p, 'azure.upload-buffer-size')),
    upload_buffer_count: int(1, f(p, 'azure.download-buffer-count')),
    request_timeout: dur('30s', f(p, 'azure.request-timeout')),
    max_retries: int(5, f(p, 'azure.max-retries')),
    min_retry_delay: dur('10ms', f(p, 'azure.min-retry-delay')),
    max_retry_delay: dur('500ms', f(p, 'azure.max-retry-delay')),
  });

/** Loki's `alibabacloud_storage_config` block; `p` is the flag prefix of this instance (null: no flags, as in named stores). */
export const alibabaCloudStorageConfig = (p: string | null) =>
  block('alibaba.OssConfig', {
    bucket: str('', f(p, 'oss.bucketname')),
    endpoint: str('', f(p, 'oss.endpoint')),
    access_key_id: str('', f(p, 'oss.access-key-id')),
    secret_access_key: secret('', f(p, 'oss.secret-access-key')),
    conn_timeout_sec: int(30, f(p, 'oss.conn-timeout-sec'), { go: 'int64' }),
    read_write_timeout_sec: int(60, f(p, 'oss.read-write-timeout-sec'), { go: 'int64' }),
  });

/** Loki's `gcs_storage_config` block; `p` is the flag prefix of this instance (null: no flags, as in named stores). */
export const gcsStorageConfig = (p: string | null) =>
  block('gcp.GCSConfig', {
    bucket_name: str('', f(p, 'gcs.bucketname')),
    endpoint: str('', f(p, 'gcs.endpoint')),
    service_account: secret('', f(p, 'gcs.service-account')),
    chunk_buffer_size: int(0, f(p, 'gcs.chunk-buffer-size')),
    request_timeout: dur('0s', f(p, 'gcs.request-timeout')),
    enable_opencensus: bool(true, f(p, 'gcs.enable-opencensus')),
    enable_http2: bool(true, f(p, 'gcs.enable-http2')),
    enable_retries: bool(true, f(p, 'gcs.enable-retries')),
  });

/** Loki's `s3_storage_config` block; `p` is the flag prefix of this instance (null: no flags, as in named stores). */
export const s3StorageConfig = (p: string | null) =>
  block('aws.S3Config', {
    s3: url('', f(p, 's3.url'), { go: 'flagext.URLValue' }),
    s3forcepathstyle: bool(false, f(p, 's3.force-path-style')),
    bucketnames: str('', f(p, 's3.buckets')),
    endpoint: str('', f(p, 's3.endpoint')),
    region: str('', f(p, 's3.region')),
    access_key_id: str('', f(p, 's3.access-key-id')),
    secret_access_key: secret('', f(p, 's3.secret-access-key')),
    session_token: secret('', f(p, 's3.session-token')),
    insecure: bool(false, f(p, 's3.insecure')),
    chunk_delimiter: str('', f(p, 's3.chunk-delimiter')),
    http_config: block('aws.HTTPConfig', {
      timeout: dur('0s', f(p, 's3.http.timeout')),
      idle_conn_timeout: dur('1m30s', f(p, 's3.http.idle-conn-timeout')),
      response_header_timeout: dur('0s', f(p, 's3.http.response-header-timeout')),
      insecure_skip_verify: bool(false, f(p, 's3.http.insecure-skip-verify')),
      ca_file: str('', f(p, 's3.http.ca-file')),
    }),
    signature_version: str('v4', f(p, 's3.signature-version')),
    storage_class: str('STANDARD', f(p, 's3.storage-class')),
    sse: block('s3.SSEConfig', {
      type: str('', f(p, 's3.sse.type')),
      kms_key_id: str('', f(p, 's3.sse.kms-key-id')),
      kms_encryption_context: str('', f(p, 's3.sse.kms-encryption-context')),
    }),
    backoff_config: block('backoff.Config', {
      min_period: dur('100ms', f(p, 's3.min-backoff')),
      max_period: dur('3s', f(p, 's3.max-backoff')),
      max_retries: int(5, f(p, 's3.max-retries')),
    }),
    disable_dualstack: bool(false, f(p, 's3.disable-dualstack')),
  });

/** Loki's `bos_storage_config` block; `p` is the flag prefix of this instance (null: no flags, as in named stores). */
export const bosStorageConfig = (p: string | null) =>
  block('baidubce.BOSStorageConfig', {
    bucket_name: str('', f(p, 'bos.bucket-name')),
    endpoint: str('bj.bcebos.com', f(p, 'bos.endpoint')),
    access_key_id: str('', f(p, 'bos.access-key-id')),
    secret_access_key: secret('', f(p, 'bos.secret-access-key')),
  });

/** Loki's `swift_storage_config` block; `p` is the flag prefix of this instance (null: no flags, as in named stores). */
export const swiftStorageConfig = (p: string | null) =>
  block('openstack.SwiftConfig', {
    auth_version: int(0, f(p, 'swift.auth-version')),
    auth_url: str('', f(p, 'swift.auth-url')),
    internal: bool(false, f(p, 'swift.internal')),
    username: str('', f(p, 'swift.username')),
    user_domain_name: str('', f(p, 'swift.user-domain-name')),
    user_domain_id: str('', f(p, 'swift.user-domain-id')),
    user_id: str('', f(p, 'swift.user-id')),
    password: secret('', f(p, 'swift.password')),
    domain_id: str('', f(p, 'swift.domain-id')),
    domain_name: str('', f(p, 'swift.domain-name')),
    project_id: str('', f(p, 'swift.project-id')),
    project_name: str('', f(p, 'swift.project-name')),
    project_domain_id: str('', f(p, 'swift.project-domain-id')),
    project_domain_name: str('', f(p, 'swift.project-domain-name')),
    region_name: str('', f(p, 'swift.region-name')),
    container_name: str('', f(p, 'swift.container-name')),
    max_retries: int(3, f(p, 'swift.max-retries')),
    connect_timeout: dur('10s', f(p, 'swift.connect-timeout')),
    request_timeout: dur('5s', f(p, 'swift.request-timeout')),
    http: block('openstack.HTTPConfig', {
      tls_ca_path: str('', f(p, 'swift.http.tls-ca-path')),
    }),
  });

/** Loki's `cos_storage_config` block; `p` is the flag prefix of this instance (null: no flags, as in named stores). */
export const cosStorageConfig = (p: string | null) =>
  block('ibmcloud.COSConfig', {
    forcepathstyle: bool(false, f(p, 'cos.force-path-style')),
    bucketnames: str('', f(p, 'cos.buckets')),
    endpoint: str('', f(p, 'cos.endpoint')),
    region: str('', f(p, 'cos.region')),
    access_key_id: str('', f(p, 'cos.access-key-id')),
    secret_access_key: secret('', f(p, 'cos.secret-access-key')),
    http_config: block('ibmcloud.HTTPConfig', {
      idle_conn_timeout: dur('1m30s', f(p, 'cos.http.idle-conn-timeout')),
      response_header_timeout: dur('0s', f(p, 'cos.http.response-header-timeout')),
    }),
    backoff_config: block('backoff.Config', {
      min_period: dur('100ms', f(p, 'cos.min-backoff')),
      max_period: dur('3s', f(p, 'cos.max-backoff')),
      max_retries: int(5, f(p, 'cos.max-retries')),
    }),
    api_key: secret('', f(p, 'cos.api-key')),
    service_instance_id: str('', f(p, 'cos.service-instance-id')),
    auth_endpoint: str('https://iam.cloud.ibm.com/identity/token', f(p, 'cos.auth-endpoint')),
    cr_token_file_path: str('', f(p, 'cos.cr-token-file-path')),
    trusted_profile_name: str('', f(p, 'cos.trusted-profile-name')),
    trusted_profile_id: str('', f(p, 'cos.trusted-profile-id')),
  });

/** Loki's `aws_storage_config` block; `p` is the flag prefix of this instance (null: no flags, as in named stores). */
export const awsStorageConfig = (p: string | null) =>
  block('aws.StorageConfig', {
    dynamodb: block('aws.DynamoDBConfig', {
      dynamodb_url: url('', fixedFlag(p, 'dynamodb.url'), { go: 'flagext.URLValue' }),
      api_limit: float(2, fixedFlag(p, 'dynamodb.api-limit')),
      throttle_limit: float(10, fixedFlag(p, 'dynamodb.throttle-limit')),
      metrics: block('aws.MetricsAutoScalingConfig', {
        url: str('', fixedFlag(p, 'metrics.url')),
        target_queue_length: int(100000, fixedFlag(p, 'metrics.target-queue-length'), { go: 'int64' }),
        scale_up_factor: float(1.3, fixedFlag(p, 'metrics.scale-up-factor')),
        ignore_throttle_below: float(1, fixedFlag(p, 'metrics.ignore-throttle-below')),
        queue_length_query: str(
          'sum(avg_over_time(loki_ingester_flush_queue_length{job="cortex/ingester"}[2m])) or sum(avg_over_time(cortex_ingester_flush_queue_length{job="cortex/ingester"}[2m]))',
          fixedFlag(p, 'metrics.queue-length-query'),
        ),
        write_throttle_query: str(
          'sum(rate(cortex_dynamo_throttled_total{operation="DynamoDB.BatchWriteItem"}[1m])) by (table) > 0',
          fixedFlag(p, 'metrics.write-throttle-query'),
        ),
        write_usage_query: str(
          'sum(rate(cortex_dynamo_consumed_capacity_total{operation="DynamoDB.BatchWriteItem"}[15m])) by (table) > 0',
          fixedFlag(p, 'metrics.usage-query'),
        ),
        read_usage_query: str(
          'sum(rate(cortex_dynamo_consumed_capacity_total{operation="DynamoDB.QueryPages"}[1h])) by (table) > 0',
          fixedFlag(p, 'metrics.read-usage-query'),
        ),
        read_error_query: str(
          'sum(increase(cortex_dynamo_failures_total{operation="DynamoDB.QueryPages",error="ProvisionedThroughputExceededException"}[1m])) by (table) > 0',
          fixedFlag(p, 'metrics.read-error-query'),
        ),
      }),
      chunk_gang_size: int(10, fixedFlag(p, 'dynamodb.chunk-gang-size')),
      chunk_get_max_parallelism: int(32, fixedFlag(p, 'dynamodb.chunk.get-max-parallelism')),
      backoff_config: block('backoff.Config', {
        min_period: dur('100ms', fixedFlag(p, 'dynamodb.min-backoff')),
        max_period: dur('50s', fixedFlag(p, 'dynamodb.max-backoff')),
        max_retries: int(20, fixedFlag(p, 'dynamodb.max-retries')),
      }),
      kms_key_id: str('', fixedFlag(p, 'dynamodb.kms-key-id')),
    }),
    s3: url('', fixedFlag(p, 's3.url'), { go: 'flagext.URLValue' }),
    s3forcepathstyle: bool(false, fixedFlag(p, 's3.force-path-style')),
    bucketnames: str('', fixedFlag(p, 's3.buckets')),
    endpoint: str('', fixedFlag(p, 's3.endpoint')),
    region: str('', fixedFlag(p, 's3.region')),
    access_key_id: str('', fixedFlag(p, 's3.access-key-id')),
    secret_access_key: secret('', fixedFlag(p, 's3.secret-access-key')),
    session_token: secret('', fixedFlag(p, 's3.session-token')),
    insecure: bool(false, fixedFlag(p, 's3.insecure')),
    chunk_delimiter: str('', fixedFlag(p, 's3.chunk-delimiter')),
    http_config: block('aws.HTTPConfig', {
      timeout: dur('0s', fixedFlag(p, 's3.http.timeout')),
      idle_conn_timeout: dur('1m30s', fixedFlag(p, 's3.http.idle-conn-timeout')),
      response_header_timeout: dur('0s', fixedFlag(p, 's3.http.response-header-timeout')),
      insecure_skip_verify: bool(false, fixedFlag(p, 's3.http.insecure-skip-verify')),
      ca_file: str('', fixedFlag(p, 's3.http.ca-file')),
    }),
    signature_version: str('v4', fixedFlag(p, 's3.signature-version')),
    storage_class: str('STANDARD', fixedFlag(p, 's3.storage-class')),
    sse: block('s3.SSEConfig', {
      type: str('', fixedFlag(p, 's3.sse.type')),
      kms_key_id: str('', fixedFlag(p, 's3.sse.kms-key-id')),
      kms_encryption_context: str('', fixedFlag(p, 's3.sse.kms-encryption-context')),
    }),
    backoff_config: block('backoff.Config', {
      min_period: dur('100ms', fixedFlag(p, 's3.min-backoff')),
      max_period: dur('3s', fixedFlag(p, 's3.max-backoff')),
      max_retries: int(5, fixedFlag(p, 's3.max-retries')),
    }),
    disable_dualstack: bool(false, fixedFlag(p, 's3.disable-dualstack')),
  });

/** Loki's `local_storage_config` block; `p` is the flag prefix of this instance (null: no flags, as in named stores). */
export const localStorageConfig = (p: string | null) =>
  block('local.FSConfig', {
    directory: str('', fixedFlag(p, 'local.chunk-directory')),
  });
