// `storage_config.object_prefix`: every key is stored under a constant prefix
// (e.g. "loki/"), so that one bucket can hold several clusters or other data.
// Callers keep using their own keys; listings come back without the prefix.
import {
  isObjectNotFound,
  type ListResult,
  type ObjectAttributes,
  type ObjectClient,
  ObjectNotFoundError,
} from './client.js';

/** Loki's normalisation: surrounding slashes dropped, one slash appended; empty means no prefix. */
export function normalizeObjectPrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}

export class PrefixedObjectClient implements ObjectClient {
  readonly kind: string;

  constructor(
    private readonly inner: ObjectClient,
    /** Already normalised, ending with "/". */
    readonly prefix: string,
  ) {
    this.kind = inner.kind;
  }

  getObject(key: string, signal?: AbortSignal): Promise<Buffer> {
    return this.inner.getObject(this.prefix + key, signal).catch((err: unknown) => {
      throw unprefixed(err, key);
    });
  }

  getObjectRange(key: string, offset: number, length: number, signal?: AbortSignal): Promise<Buffer> {
    return this.inner.getObjectRange(this.prefix + key, offset, length, signal).catch((err: unknown) => {
      throw unprefixed(err, key);
    });
  }

  putObject(key: string, body: Buffer): Promise<void> {
    return this.inner.putObject(this.prefix + key, body);
  }

  deleteObject(key: string): Promise<void> {
    return this.inner.deleteObject(this.prefix + key);
  }

  async headObject(key: string): Promise<ObjectAttributes | null> {
    const attributes = await this.inner.headObject(this.prefix + key);
    return attributes ? { ...attributes, key } : null;
  }

  async list(prefix: string, delimiter?: string): Promise<ListResult> {
    const result = await this.inner.list(this.prefix + prefix, delimiter);
    const cut = this.prefix.length;
    for (const object of result.objects) object.key = object.key.slice(cut);
    return { objects: result.objects, commonPrefixes: result.commonPrefixes.map((p) => p.slice(cut)) };
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }
}

/** Not-found errors name the caller's key, not the stored one. */
function unprefixed(err: unknown, key: string): unknown {
  return isObjectNotFound(err) ? new ObjectNotFoundError(key) : err;
}
