// Turns `storage_config.aws` into the settings the S3 client runs with,
// following Loki's precedence so that a Loki config reaches the same store:
//
//   endpoint     `endpoint` > the `s3` URL's host when it contains a dot > AWS
//   region       `region`   > the `s3` URL's host when it has no dot > AWS_REGION
//                or profile > "dummy"
//   credentials  `access_key_id`+`secret_access_key` (+`session_token`) > the `s3`
//                URL's user info > the AWS default chain (environment, profiles,
//                web identity, container and instance roles)
//   buckets      `bucketnames` > the `s3` URL's path
//
// `insecure` turns the endpoint's scheme into http whichever way it was given.
// An `s3://` URL with a dotted host means plain http, as it always has in Loki.
import { type AwsStorageConfig, ObjectStoreConfigError } from './config.js';

/** Loki's region when none is configured anywhere: requests are signed for it. */
export const FALLBACK_REGION = 'dummy';

export const DEFAULT_IDLE_CONN_TIMEOUT_MS = 90_000;
export const DEFAULT_MIN_BACKOFF_MS = 100;
export const DEFAULT_MAX_BACKOFF_MS = 3_000;
export const DEFAULT_MAX_RETRIES = 5;
export const DEFAULT_STORAGE_CLASS = 'STANDARD';

/** Loki's accepted `storage_class` values, in its order (used in its error message). */
export const SUPPORTED_STORAGE_CLASSES = [
  'GLACIER',
  'DEEP_ARCHIVE',
  'GLACIER_IR',
  'INTELLIGENT_TIERING',
  'ONEZONE_IA',
  'OUTPOSTS',
  'REDUCED_REDUNDANCY',
  'STANDARD',
  'STANDARD_IA',
] as const;

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface ServerSideEncryption {
  /** Header value: "AES256" or "aws:kms". */
  algorithm: 'AES256' | 'aws:kms';
  kmsKeyId?: string;
  /** Base64 of the compacted JSON context. */
  kmsEncryptionContext?: string;
}

export interface ResolvedS3Settings {
  buckets: string[];
  /** Full URL with scheme, or undefined for AWS's own endpoints. */
  endpoint?: string;
  /** Undefined: ask the AWS default chain, then fall back to FALLBACK_REGION. */
  region?: string;
  forcePathStyle: boolean;
  insecure: boolean;
  /** Undefined: the AWS default credential chain. */
  credentials?: StaticCredentials;
  /** Sent with every put unless it is the default STANDARD class. */
  storageClass: string;
  sse?: ServerSideEncryption;
  backoff: { minMs: number; maxMs: number; maxRetries: number };
  http: {
    timeoutMs: number;
    idleConnTimeoutMs: number;
    responseHeaderTimeoutMs: number;
    insecureSkipVerify: boolean;
    caFile?: string;
  };
  /** Single character that replaces ':' in keys sent to S3, if configured. */
  chunkDelimiter?: string;
}

export interface ParsedS3Url {
  /** Lower-case scheme without the colon: "s3", "http", "https". */
  scheme: string;
  /** Host with port, as written. */
  host: string;
  username: string;
  password: string;
  /** Path without the leading slash, decoded. */
  bucket: string;
}

/** Parses the `s3` URL. Key and secret must be URL-escaped (a "/" in a secret is %2F). */
export function parseS3Url(raw: string): ParsedS3Url {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ObjectStoreConfigError(`invalid storage_config.aws.s3 URL: ${JSON.stringify(redactUrl(raw))}`);
  }
  return {
    scheme: url.protocol.slice(0, -1).toLowerCase(),
    host: url.host,
    username: safeDecode(url.username),
    password: safeDecode(url.password),
    bucket: safeDecode(url.pathname.replace(/^\//, '')),
  };
}

export function resolveS3Settings(cfg: AwsStorageConfig): ResolvedS3Settings {
  const url = cfg.s3 ? parseS3Url(cfg.s3) : undefined;
  const insecure = cfg.insecure ?? false;

  let endpoint: string | undefined;
  let region: string | undefined;
  let credentials: StaticCredentials | undefined;
  if (url) {
    if (url.username !== '' || url.password !== '') {
      credentials = { accessKeyId: url.username, secretAccessKey: url.password };
    }
    if (url.host.includes('.')) {
      if (url.scheme === 'http' || url.scheme === 'https') endpoint = `${url.scheme}://${url.host}`;
      else if (url.scheme === 's3') endpoint = `http://${url.host}`;
      else throw new ObjectStoreConfigError(`unsupported scheme "${url.scheme}" in storage_config.aws.s3 URL`);
    } else if (url.host !== '') {
      region = url.host;
    }
  }

  if (cfg.endpoint) {
    endpoint = cfg.endpoint.includes('://') ? cfg.endpoint : `${insecure ? 'http' : 'https'}://${cfg.endpoint}`;
  }
  if (endpoint && insecure) endpoint = endpoint.replace(/^https:\/\//i, 'http://');
  if (cfg.region) region = cfg.region;

  const accessKeyId = cfg.access_key_id ?? '';
  const secretAccessKey = cfg.secret_access_key ?? '';
  if ((accessKeyId === '') !== (secretAccessKey === '')) {
    throw new ObjectStoreConfigError(
      'failed to build s3 config: must supply both an Access Key ID and Secret Access Key or neither',
    );
  }
  if (accessKeyId !== '') {
    credentials = { accessKeyId, secretAccessKey, ...(cfg.session_token ? { sessionToken: cfg.session_token } : {}) };
  }

  const signatureVersion = cfg.signature_version || 'v4';
  if (signatureVersion !== 'v4') throw new ObjectStoreConfigError('unsupported signature version');

  const storageClass = cfg.storage_class || DEFAULT_STORAGE_CLASS;
  if (!(SUPPORTED_STORAGE_CLASSES as readonly string[]).includes(storageClass)) {
    throw new ObjectStoreConfigError(
      `unsupported S3 storage class: ${storageClass}. Supported values: ${SUPPORTED_STORAGE_CLASSES.join(', ')}`,
    );
  }

  const delimiter = cfg.chunk_delimiter ?? '';
  return {
    buckets: resolveBuckets(cfg.bucketnames, url?.bucket),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(region !== undefined ? { region } : {}),
    forcePathStyle: cfg.s3forcepathstyle ?? false,
    insecure,
    ...(credentials ? { credentials } : {}),
    storageClass,
    ...resolveSse(cfg),
    backoff: {
      minMs: cfg.backoff_config?.min_period ?? DEFAULT_MIN_BACKOFF_MS,
      maxMs: cfg.backoff_config?.max_period ?? DEFAULT_MAX_BACKOFF_MS,
      maxRetries: cfg.backoff_config?.max_retries ?? DEFAULT_MAX_RETRIES,
    },
    http: {
      timeoutMs: cfg.http_config?.timeout ?? 0,
      idleConnTimeoutMs: cfg.http_config?.idle_conn_timeout ?? DEFAULT_IDLE_CONN_TIMEOUT_MS,
      responseHeaderTimeoutMs: cfg.http_config?.response_header_timeout ?? 0,
      insecureSkipVerify: cfg.http_config?.insecure_skip_verify ?? false,
      ...(cfg.http_config?.ca_file ? { caFile: cfg.http_config.ca_file } : {}),
    },
    // Loki only honours a one-character delimiter.
    ...(delimiter.length === 1 ? { chunkDelimiter: delimiter } : {}),
  };
}

function resolveBuckets(bucketnames: string | undefined, urlBucket: string | undefined): string[] {
  // Blank entries ("a,,b", "a, b") would only ever produce failing requests.
  const names = bucketnames
    ? bucketnames
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '')
    : urlBucket
      ? [urlBucket]
      : [];
  if (names.length === 0) throw new ObjectStoreConfigError('at least one bucket name must be specified');
  return names;
}

function resolveSse(cfg: AwsStorageConfig): { sse?: ServerSideEncryption } {
  const type = cfg.sse?.type ?? '';
  const rawContext = cfg.sse?.kms_encryption_context ?? '';
  if (type !== '' && type !== 'SSE-S3' && type !== 'SSE-KMS')
    throw new ObjectStoreConfigError('unsupported S3 SSE type');
  let context: string | undefined;
  if (rawContext !== '') {
    try {
      context = Buffer.from(JSON.stringify(JSON.parse(rawContext)), 'utf8').toString('base64');
    } catch {
      throw new ObjectStoreConfigError('invalid S3 SSE encryption context');
    }
  }
  if (type === '') return {};
  if (type === 'SSE-S3') return { sse: { algorithm: 'AES256' } };
  const kmsKeyId = cfg.sse?.kms_key_id ?? '';
  if (kmsKeyId === '') {
    throw new ObjectStoreConfigError(
      'failed to build SSE config: KMS key id must be passed when SSE-KMS encryption is selected',
    );
  }
  return { sse: { algorithm: 'aws:kms', kmsKeyId, ...(context ? { kmsEncryptionContext: context } : {}) } };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The URL with any secret replaced, fit for an error message. */
function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^/@]*)@/, (_match, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon < 0 ? `//${userinfo}@` : `//${userinfo.slice(0, colon)}:REDACTED@`;
  });
}
