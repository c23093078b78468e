// The S3 client settings an S3 block describes, with Loki's precedence between the URL form
// (`s3: s3://key:secret@region/bucket`, `s3: https://key:secret@host/bucket`, `inmemory:///bucket`)
// and the discrete keys (`endpoint`, `region`, `bucketnames`, `access_key_id`, ...), which win.
// Credentials from the environment are the object store's business: when none are configured the
// result has none, and the client falls back to its default credential chain.

import type { S3StorageConfig } from './types.js';

export interface ResolvedS3 {
  /** Endpoint URL with scheme, e.g. `https://oss-cn-beijing.aliyuncs.com`; empty for AWS's default endpoints. */
  readonly endpoint: string;
  /** Region; empty when neither the URL nor `region` names one. */
  readonly region: string;
  /** Buckets to spread chunks over (Loki hashes object keys across them). */
  readonly bucketNames: readonly string[];
  /** Static credentials, or null to use the default credential chain. */
  readonly credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken: string;
  } | null;
  readonly forcePathStyle: boolean;
  /** Plain HTTP instead of HTTPS. */
  readonly insecure: boolean;
  /** `inmemory:///bucket`: Loki's in-memory mock store, for tests. */
  readonly inMemory: boolean;
}

export class S3ConfigError extends Error {
  override name = 'S3ConfigError';
}

type S3Settings = Pick<
  S3StorageConfig,
  | 's3'
  | 's3forcepathstyle'
  | 'bucketnames'
  | 'endpoint'
  | 'region'
  | 'access_key_id'
  | 'secret_access_key'
  | 'session_token'
  | 'insecure'
>;

/** Resolves an S3 block (`storage_config.aws`, `common.storage.s3`, `ruler.storage.s3`, a named store). */
export function resolveS3(cfg: S3Settings): ResolvedS3 {
  let endpoint = '';
  let region = '';
  let bucketNames: string[] = [];
  let credentials: ResolvedS3['credentials'] = null;
  let inMemory = false;

  if (cfg.s3 !== '') {
    const url = parseS3Url(cfg.s3);
    inMemory = url.scheme === 'inmemory';
    if (url.user !== '' || url.password !== '') {
      credentials = { accessKeyId: url.user, secretAccessKey: url.password, sessionToken: '' };
    }
    if (url.host.includes('.')) {
      // A host name is an endpoint; `s3://` has always meant plain HTTP in Loki.
      endpoint = url.scheme === 'https' || url.scheme === 'http' ? `${url.scheme}://${url.host}` : `http://${url.host}`;
    } else {
      region = url.host;
    }
    bucketNames = [url.path.replace(/^\//, '')];
  }
  if (cfg.endpoint !== '') {
    endpoint = cfg.endpoint.includes('://') ? cfg.endpoint : `${cfg.insecure ? 'http' : 'https'}://${cfg.endpoint}`;
  }
  if (cfg.region !== '') region = cfg.region;
  if (cfg.access_key_id !== '' && cfg.secret_access_key !== '') {
    credentials = {
      accessKeyId: cfg.access_key_id,
      secretAccessKey: cfg.secret_access_key,
      sessionToken: cfg.session_token,
    };
  }
  if (cfg.bucketnames !== '') bucketNames = cfg.bucketnames.split(',');
  if (bucketNames.length === 0) throw new S3ConfigError('at least one bucket name must be specified');
  return {
    endpoint,
    region,
    bucketNames,
    credentials,
    forcePathStyle: cfg.s3forcepathstyle,
    insecure: cfg.insecure || endpoint.startsWith('http://'),
    inMemory,
  };
}

interface S3Url {
  readonly scheme: string;
  readonly user: string;
  readonly password: string;
  readonly host: string;
  readonly path: string;
}

/** Splits `scheme://[user[:password]@]host/path`, decoding %-escapes in the credentials. */
export function parseS3Url(text: string): S3Url {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:([^@/]*)@)?([^/?#]*)([^?#]*)/.exec(text);
  if (!m) throw new S3ConfigError(`invalid S3 URL ${JSON.stringify(text)}`);
  const [userPart = '', passwordPart = ''] = (m[2] ?? '').split(/:(.*)/s);
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new S3ConfigError(`invalid escape in S3 URL credentials of ${JSON.stringify(text)}`);
    }
  };
  return {
    scheme: m[1]!.toLowerCase(),
    user: decode(userPart),
    password: decode(passwordPart),
    host: m[3]!,
    path: m[4] ?? '',
  };
}
