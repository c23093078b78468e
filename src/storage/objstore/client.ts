// The object-store contract shared by every storage backend (filesystem, S3).
// Chunks, index files, rules and delete requests all live behind it, so that a
// write process and a read process pointed at the same store see the same data.

export interface ObjectAttributes {
  key: string;
  size: number;
  /** Last modification, milliseconds since the epoch. */
  modifiedMs: number;
}

export interface ListResult {
  /** Objects directly under the prefix (or all below it when no delimiter is given), sorted by key. */
  objects: ObjectAttributes[];
  /** With a delimiter: the distinct "directories" below the prefix, each ending with the delimiter, sorted. */
  commonPrefixes: string[];
}

export interface ObjectClient {
  /** A short name for logs and metrics, e.g. "filesystem" or "s3". */
  readonly kind: string;
  /** Whole object; rejects with ObjectNotFoundError when absent. */
  getObject(key: string, signal?: AbortSignal): Promise<Buffer>;
  /** Bytes [offset, offset+length) of an object; rejects with ObjectNotFoundError when absent. */
  getObjectRange(key: string, offset: number, length: number, signal?: AbortSignal): Promise<Buffer>;
  /** Writes the whole object atomically: readers see the old object or the new one, never a part. */
  putObject(key: string, body: Buffer): Promise<void>;
  /** Deleting an absent object is not an error. */
  deleteObject(key: string): Promise<void>;
  /** Size and time of an object, or null when absent. */
  headObject(key: string): Promise<ObjectAttributes | null>;
  list(prefix: string, delimiter?: string): Promise<ListResult>;
  /** Releases sockets and timers. */
  stop(): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  override name = 'ObjectNotFoundError';
  constructor(readonly key: string) {
    super(`object not found: ${key}`);
  }
}

export function isObjectNotFound(err: unknown): err is ObjectNotFoundError {
  return err instanceof ObjectNotFoundError;
}
