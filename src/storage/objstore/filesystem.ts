// An object store in a local directory: key "a/b/c" is the file <dir>/a/b/c.
//
// Several Skald processes may share the directory (a writer and a reader on one
// machine), so a reader must never see half an object: puts write a temporary
// file next to the target, fsync it and rename it over the target, which POSIX
// makes atomic within one filesystem. Temporary files are hidden from listings
// and the ones a crash left behind are removed when the store is opened.
import { randomBytes } from 'node:crypto';
import { type Dir, type Dirent, mkdirSync } from 'node:fs';
import {
  type FileHandle,
  mkdir,
  open,
  opendir,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
} from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { type ListResult, type ObjectAttributes, type ObjectClient, ObjectNotFoundError } from './client.js';
import { compareKeys, compareObjects, groupByDelimiter } from './listing.js';

/** Names of in-flight (or crash-orphaned) put files start with this; keys may not use it. */
export const TEMP_FILE_PREFIX = '.skald-tmp-';

/**
 * Orphaned temporary files younger than this survive the start-up sweep: another
 * process sharing the directory may be in the middle of writing them.
 */
export const DEFAULT_STALE_TEMP_FILE_AGE_MS = 10 * 60 * 1000;

/** A put races with a delete that removes the now-empty directory; this many tries settle it. */
const PUT_ATTEMPTS = 4;

/** Files stat'ed at once while listing: enough to hide latency, few enough to spare file descriptors. */
const STAT_BATCH = 64;

export class InvalidObjectKeyError extends Error {
  override name = 'InvalidObjectKeyError';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid object key ${JSON.stringify(key)}: ${reason}`);
  }
}

export interface FilesystemOpenOptions {
  /** Orphaned temporary files at least this old are deleted on open. */
  staleTempFileAgeMs?: number;
}

export class FilesystemObjectClient implements ObjectClient {
  readonly kind = 'filesystem';
  /** Absolute path of the store's root directory. */
  readonly directory: string;

  /** Creates the directory if needed. Prefer `open`, which also cleans up after a crash. */
  constructor(directory: string) {
    if (directory === '') throw new Error('filesystem object store: directory must not be empty');
    this.directory = resolve(directory);
    mkdirSync(this.directory, { recursive: true });
  }

  /** Opens the store and deletes temporary files left behind by a crashed writer. */
  static async open(directory: string, options: FilesystemOpenOptions = {}): Promise<FilesystemObjectClient> {
    const client = new FilesystemObjectClient(directory);
    await client.removeStaleTempFiles(options.staleTempFileAgeMs ?? DEFAULT_STALE_TEMP_FILE_AGE_MS);
    return client;
  }

  async getObject(key: string, signal?: AbortSignal): Promise<Buffer> {
    const path = this.pathOf(key);
    try {
      return await readFile(path, { signal });
    } catch (err) {
      throw notFoundOr(err, key);
    }
  }

  async getObjectRange(key: string, offset: number, length: number, signal?: AbortSignal): Promise<Buffer> {
    checkRange(offset, length);
    const path = this.pathOf(key);
    signal?.throwIfAborted();
    let file: FileHandle;
    try {
      file = await open(path, 'r');
    } catch (err) {
      throw notFoundOr(err, key);
    }
    try {
      const info = await file.stat();
      // Opening a directory succeeds on Linux; it is still not an object.
      if (!info.isFile()) throw new ObjectNotFoundError(key);
      const start = Math.min(offset, info.size);
      const out = Buffer.allocUnsafe(Math.min(info.size - start, length));
      let filled = 0;
      while (filled < out.length) {
        signal?.throwIfAborted();
        const { bytesRead } = await file.read(out, filled, out.length - filled, start + filled);
        if (bytesRead === 0) break; // truncated under us by an overwrite: return what we read
        filled += bytesRead;
      }
      return filled === out.length ? out : out.subarray(0, filled);
    } finally {
      await file.close();
    }
  }

  async putObject(key: string, body: Buffer): Promise<void> {
    const target = this.pathOf(key);
    const dir = dirname(target);
    for (let attempt = 1; ; attempt++) {
      const temp = join(dir, `${TEMP_FILE_PREFIX}${process.pid}-${randomBytes(8).toString('hex')}`);
      try {
        await mkdir(dir, { recursive: true });
        await writeSynced(temp, body);
        await rename(temp, target);
        break;
      } catch (err) {
        await rm(temp, { force: true }).catch(() => undefined);
        // ENOENT: a concurrent delete removed the (then empty) directory between
        // our mkdir and our write or rename; make it again.
        if (errorCode(err) === 'ENOENT' && attempt < PUT_ATTEMPTS) continue;
        throw err;
      }
    }
    // The rename is durable only once the directory entry is on disk.
    await syncDirectory(dir);
  }

  async deleteObject(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (err) {
      const code = errorCode(err);
      // Absent, or the key names a "directory" (EISDIR on Linux, EPERM on macOS): no such object.
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'EPERM') return;
      throw err;
    }
    // Like Loki, drop parent directories the delete left empty so that old
    // tenants and days do not leave a skeleton of folders behind. rmdir fails on
    // a non-empty directory, so a concurrent put into it is never disturbed.
    for (let dir = dirname(path); dir !== this.directory && dir.startsWith(this.directory + sep); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        break;
      }
    }
  }

  async headObject(key: string): Promise<ObjectAttributes | null> {
    const path = this.pathOf(key);
    try {
      const info = await stat(path);
      return info.isFile() ? { key, size: info.size, modifiedMs: Math.floor(info.mtimeMs) } : null;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async list(prefix: string, delimiter?: string): Promise<ListResult> {
    // The prefix need not end at a directory boundary: "a/b/ch" lists directory
    // a/b and keeps the entries whose names start with "ch".
    const cut = prefix.lastIndexOf('/');
    const dirKey = prefix.slice(0, cut + 1);
    const namePrefix = prefix.slice(cut + 1);
    if (dirKey !== '' && !isValidKey(dirKey.slice(0, -1))) return { objects: [], commonPrefixes: [] };
    const dirPath = dirKey === '' ? this.directory : join(this.directory, dirKey);

    const entries = await readDirectory(dirPath);
    const byDirectory = delimiter === '/';
    const files: PendingFile[] = [];
    const commonPrefixes: string[] = [];
    for (const entry of entries) {
      const name = entry.name;
      if (!name.startsWith(namePrefix) || name.startsWith(TEMP_FILE_PREFIX)) continue;
      const path = join(dirPath, name);
      if (entry.isDirectory()) {
        if (!byDirectory) await collectFiles(path, `${dirKey}${name}/`, files);
        else if (await containsObject(path)) commonPrefixes.push(`${dirKey}${name}/`);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        files.push({ key: dirKey + name, path });
      }
    }
    const objects = await statFiles(files);
    if (byDirectory) return { objects: objects.sort(compareObjects), commonPrefixes: commonPrefixes.sort(compareKeys) };
    return groupByDelimiter(objects, prefix, delimiter);
  }

  async stop(): Promise<void> {}

  /** Deletes orphaned temporary files at least `minAgeMs` old anywhere below the root; returns how many. */
  async removeStaleTempFiles(minAgeMs: number): Promise<number> {
    const cutoff = Date.now() - minAgeMs;
    let removed = 0;
    const visit = async (dir: string): Promise<void> => {
      for (const entry of await readDirectory(dir)) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          await visit(path);
        } else if (entry.name.startsWith(TEMP_FILE_PREFIX)) {
          try {
            if ((await stat(path)).mtimeMs <= cutoff) {
              await unlink(path);
              removed++;
            }
          } catch (err) {
            if (!isNotFound(err)) throw err;
          }
        }
      }
    };
    await visit(this.directory);
    return removed;
  }

  private pathOf(key: string): string {
    if (!isValidKey(key)) throw new InvalidObjectKeyError(key, keyProblem(key));
    return join(this.directory, key);
  }
}

interface PendingFile {
  key: string;
  path: string;
}

/**
 * A key must name a file strictly below the root: no empty, "." or ".."
 * segments (which also rules out absolute keys and "a//b", which S3 would keep
 * apart from "a/b" but a filesystem cannot), no NUL, and no segment that looks
 * like one of our temporary files.
 */
function isValidKey(key: string): boolean {
  return keyProblem(key) === '';
}

function keyProblem(key: string): string {
  if (key === '') return 'empty key';
  if (key.includes('\0')) return 'contains a NUL byte';
  if (sep === '\\' && key.includes('\\')) return 'contains a backslash';
  let start = 0;
  while (start <= key.length) {
    let end = key.indexOf('/', start);
    if (end < 0) end = key.length;
    const segment = key.slice(start, end);
    if (segment === '') return key.startsWith('/') ? 'absolute key' : 'empty path segment';
    if (segment === '.' || segment === '..') return 'escapes the storage directory';
    if (segment.startsWith(TEMP_FILE_PREFIX)) return `path segments may not start with ${TEMP_FILE_PREFIX}`;
    start = end + 1;
  }
  return '';
}

function checkRange(offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`invalid range offset: ${offset}`);
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`invalid range length: ${length}`);
}

async function writeSynced(path: string, body: Buffer): Promise<void> {
  const file = await open(path, 'wx', 0o644);
  try {
    await file.writeFile(body);
    await file.sync();
  } finally {
    await file.close();
  }
}

async function syncDirectory(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } catch (err) {
    // Some filesystems (and Windows) cannot fsync a directory; the data itself is synced.
    const code = errorCode(err);
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EISDIR' && code !== 'ENOTSUP') throw err;
  } finally {
    await dir.close();
  }
}

/** Entries of a directory; none when it does not exist (or is a file). */
async function readDirectory(path: string): Promise<Dirent[]> {
  try {
    return await readdir(path, { withFileTypes: true });
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

/** Every file below `dir`, recursively, with keys starting at `keyPrefix`. */
async function collectFiles(dir: string, keyPrefix: string, out: PendingFile[]): Promise<void> {
  for (const entry of await readDirectory(dir)) {
    if (entry.name.startsWith(TEMP_FILE_PREFIX)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await collectFiles(path, `${keyPrefix}${entry.name}/`, out);
    else if (entry.isFile() || entry.isSymbolicLink()) out.push({ key: keyPrefix + entry.name, path });
  }
}

/**
 * Whether a directory holds at least one object somewhere below it. A common
 * prefix exists in S3 only while an object does; an emptied directory that a
 * concurrent put has just created (or a crash left) must not show up. Entries
 * are streamed so that a chunk directory with millions of files costs one read.
 */
async function containsObject(dir: string): Promise<boolean> {
  const subdirectories: string[] = [];
  let entries: Dir;
  try {
    entries = await opendir(dir);
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
  // Leaving the loop early closes the directory handle.
  for await (const entry of entries) {
    if (entry.name.startsWith(TEMP_FILE_PREFIX)) continue;
    if (entry.isFile() || entry.isSymbolicLink()) return true;
    if (entry.isDirectory()) subdirectories.push(join(dir, entry.name));
  }
  for (const sub of subdirectories) {
    if (await containsObject(sub)) return true;
  }
  return false;
}

/** Sizes and times of listed files; files deleted meanwhile and non-files are dropped. */
async function statFiles(files: PendingFile[]): Promise<ObjectAttributes[]> {
  const out: ObjectAttributes[] = [];
  for (let i = 0; i < files.length; i += STAT_BATCH) {
    const batch = files.slice(i, i + STAT_BATCH);
    const stats = await Promise.all(
      batch.map((file) =>
        stat(file.path).catch((err: unknown) => {
          if (isNotFound(err)) return null;
          throw err;
        }),
      ),
    );
    for (let j = 0; j < batch.length; j++) {
      const info = stats[j];
      if (info?.isFile()) out.push({ key: batch[j]!.key, size: info.size, modifiedMs: Math.floor(info.mtimeMs) });
    }
  }
  return out;
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

function isNotFound(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function notFoundOr(err: unknown, key: string): unknown {
  const code = errorCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' ? new ObjectNotFoundError(key) : err;
}
