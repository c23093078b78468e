// Where rule groups live (Loki's rulestore): a local directory of rule files
// (read-only, `<dir>/<tenant>/<namespace file>`), or an object store holding
// one protobuf object per group at
// `rules/<tenant>/<base64url(namespace)>/<base64url(group)>`.

import type { Dirent } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SkaldConfig } from '../config/index.js';
import { isObjectNotFound, type ObjectClient } from '../storage/objstore/client.js';
import type { AwsStorageConfig } from '../storage/objstore/config.js';
import { FilesystemObjectClient } from '../storage/objstore/filesystem.js';
import { InMemoryObjectClient } from '../storage/objstore/memory.js';
import { normalizeObjectPrefix, PrefixedObjectClient } from '../storage/objstore/prefixed.js';
import { S3ObjectClient } from '../storage/objstore/s3.js';
import { decodeRuleGroup, encodeRuleGroup } from './proto.js';
import { parseRuleFile, type RuleGroupDesc, toDesc, validateGroups } from './rule-group.js';

/** The group does not exist (404 from the API). */
export class GroupNotFoundError extends Error {
  override name = 'GroupNotFoundError';
  constructor(message = 'group does not exist') {
    super(message);
  }
}

/** The namespace has no groups (404 from the API). */
export class NamespaceNotFoundError extends Error {
  override name = 'NamespaceNotFoundError';
  constructor() {
    super('group namespace does not exist');
  }
}

export interface RuleStore {
  /** `local` stores are read-only through the API, as in Loki. */
  readonly kind: 'local' | 'object';
  listAllUsers(): Promise<string[]>;
  /** Every tenant's groups, rules loaded. */
  listAllRuleGroups(): Promise<Map<string, RuleGroupDesc[]>>;
  /** A tenant's groups, of one namespace or ('' ) of all; rules loaded. */
  listRuleGroupsForUserAndNamespace(user: string, namespace: string): Promise<RuleGroupDesc[]>;
  getRuleGroup(user: string, namespace: string, group: string): Promise<RuleGroupDesc>;
  setRuleGroup(user: string, namespace: string, group: RuleGroupDesc): Promise<void>;
  deleteRuleGroup(user: string, namespace: string, group: string): Promise<void>;
  deleteNamespace(user: string, namespace: string): Promise<void>;
  stop(): Promise<void>;
}

/** Go's os.PathError text for a Node file-system error. */
function goPathError(op: string, path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'no such file or directory'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'ENOTDIR'
          ? 'not a directory'
          : code === 'EISDIR'
            ? 'is a directory'
            : (err as Error).message;
  return `${op} ${path}: ${reason}`;
}

async function isDirectory(dir: string, entry: Dirent): Promise<boolean> {
  if (!entry.isSymbolicLink()) return entry.isDirectory();
  // readdir reports links as links; follow them as os.Stat does.
  const path = join(dir, entry.name);
  try {
    return (await stat(path)).isDirectory();
  } catch (err) {
    throw new Error(goPathError('stat', path, err));
  }
}

/** Rule files on disk (`ruler.storage.local.directory`), loaded as Loki's local client loads them. */
export class LocalRuleStore implements RuleStore {
  readonly kind = 'local';

  constructor(private readonly directory: string) {
    if (directory === '') throw new Error('directory required for local rules config');
  }

  async listAllUsers(): Promise<string[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(this.directory, { withFileTypes: true });
    } catch (err) {
      throw new Error(`unable to read dir ${this.directory}: ${goPathError('open', this.directory, err)}`);
    }
    const users: string[] = [];
    // Dot entries are editor swap files and Kubernetes ConfigMap internals (`..data`).
    for (const e of entries) if (!e.name.startsWith('.') && (await isDirectory(this.directory, e))) users.push(e.name);
    return users.sort();
  }

  async listAllRuleGroups(): Promise<Map<string, RuleGroupDesc[]>> {
    const out = new Map<string, RuleGroupDesc[]>();
    for (const user of await this.listAllUsers()) {
      try {
        out.set(user, await this.loadUser(user));
      } catch (err) {
        throw new Error(`failed to list rule groups for user ${user}: ${(err as Error).message}`);
      }
    }
    return out;
  }

  listRuleGroupsForUserAndNamespace(user: string, namespace: string): Promise<RuleGroupDesc[]> {
    return namespace !== '' ? this.loadNamespace(user, namespace) : this.loadUser(user);
  }

  private async loadUser(user: string): Promise<RuleGroupDesc[]> {
    const dir = join(this.directory, user);
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      throw new Error(`unable to read rule dir ${dir}: ${goPathError('open', dir, err)}`);
    }
    const out: RuleGroupDesc[] = [];
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.') || (await isDirectory(dir, e))) continue;
      try {
        out.push(...(await this.loadNamespace(user, e.name)));
      } catch (err) {
        throw new Error(
          `failed to list rule group for user ${user} and namespace ${e.name}: ${(err as Error).message}`,
        );
      }
    }
    return out;
  }

  private async loadNamespace(user: string, namespace: string): Promise<RuleGroupDesc[]> {
    const file = join(this.directory, user, namespace);
    const fail = (msg: string) => new Error(`error parsing ${file}: ${file}: ${msg}`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw fail(goPathError('open', file, err));
    }
    let groups: ReturnType<typeof parseRuleFile>;
    try {
      groups = parseRuleFile(text);
    } catch (err) {
      throw fail((err as Error).message);
    }
    const errors = validateGroups(groups);
    if (errors.length > 0) throw fail(errors[0]!);
    return groups.map((g) => toDesc(user, namespace, g));
  }

  getRuleGroup(): Promise<RuleGroupDesc> {
    return Promise.reject(new Error('GetRuleGroup unsupported in rule local store'));
  }

  setRuleGroup(): Promise<void> {
    return Promise.reject(new Error('SetRuleGroup unsupported in rule local store'));
  }

  deleteRuleGroup(): Promise<void> {
    return Promise.reject(new Error('DeleteRuleGroup unsupported in rule local store'));
  }

  deleteNamespace(): Promise<void> {
    return Promise.reject(new Error('DeleteNamespace unsupported in rule local store'));
  }

  async stop(): Promise<void> {}
}

const RULE_PREFIX = 'rules/';
/** Rule objects fetched at once (Loki's loadRulesConcurrency). */
const LOAD_CONCURRENCY = 10;

/** Go's base64.URLEncoding: the URL alphabet with padding. */
export function base64Url(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64').replaceAll('+', '-').replaceAll('/', '_');
}

function fromBase64Url(s: string): string | null {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(s) || s.length % 4 !== 0) return null;
  return Buffer.from(s.replaceAll('-', '+').replaceAll('_', '/'), 'base64').toString('utf8');
}

export function ruleObjectKey(user: string, namespace: string, group: string): string {
  if (user === '') return RULE_PREFIX;
  const prefix = `${RULE_PREFIX}${user}/`;
  if (namespace === '') return prefix;
  const ns = `${base64Url(namespace)}/`;
  return group === '' ? prefix + ns : prefix + ns + base64Url(group);
}

function decomposeKey(key: string): { user: string; namespace: string; group: string } | null {
  if (!key.startsWith(RULE_PREFIX)) return null;
  const parts = key.split('/');
  if (parts.length !== 4) return null;
  const namespace = fromBase64Url(parts[2]!);
  const group = fromBase64Url(parts[3]!);
  if (!parts[1] || !namespace || !group) return null;
  return { user: parts[1], namespace, group };
}

/**
 * Rule groups in an object store. `legacy` is Loki's `ruler.storage` object
 * client, `bucket` its `ruler_storage` (Thanos) client; they share the key
 * layout and differ only in a few error answers.
 */
export class ObjectRuleStore implements RuleStore {
  readonly kind = 'object';

  constructor(
    private readonly client: ObjectClient,
    private readonly flavour: 'legacy' | 'bucket',
  ) {}

  async listAllUsers(): Promise<string[]> {
    const { commonPrefixes } = await this.client.list(RULE_PREFIX, '/');
    return commonPrefixes.map((p) => p.slice(RULE_PREFIX.length).replace(/\/$/, '')).filter((u) => u !== '');
  }

  private async listKeys(
    prefix: string,
  ): Promise<Array<{ key: string; user: string; namespace: string; group: string }>> {
    const { objects } = await this.client.list(prefix);
    const out = [];
    for (const o of objects) {
      const parts = decomposeKey(o.key);
      if (parts) out.push({ key: o.key, ...parts });
    }
    return out;
  }

  async listAllRuleGroups(): Promise<Map<string, RuleGroupDesc[]>> {
    const out = new Map<string, RuleGroupDesc[]>();
    for (const g of await this.loadAll(await this.listKeys(RULE_PREFIX))) {
      const list = out.get(g.user) ?? [];
      list.push(g);
      out.set(g.user, list);
    }
    return out;
  }

  async listRuleGroupsForUserAndNamespace(user: string, namespace: string): Promise<RuleGroupDesc[]> {
    if (user === '') return [];
    return this.loadAll((await this.listKeys(ruleObjectKey(user, namespace, ''))).filter((k) => k.user === user));
  }

  /** Loads listed groups, LOAD_CONCURRENCY at a time as Loki does, keeping the listing order. */
  private async loadAll(
    keys: ReadonlyArray<{ key: string; user: string; namespace: string; group: string }>,
  ): Promise<RuleGroupDesc[]> {
    const out = new Array<RuleGroupDesc>(keys.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < keys.length) {
        const i = next++;
        const k = keys[i]!;
        out[i] = await this.load(k.key, k.user, k.namespace, k.group);
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, keys.length) }, worker));
    return out;
  }

  /** A listed group, checked against the identity its key promises. */
  private async load(key: string, user: string, namespace: string, group: string): Promise<RuleGroupDesc> {
    const g = await this.get(key);
    if (g.user !== user || g.namespace !== namespace || g.name !== group) {
      throw new Error(
        `mismatch between requested rule group and loaded rule group, requested: user=${JSON.stringify(user)}, namespace=${JSON.stringify(namespace)}, group=${JSON.stringify(group)}, loaded: user=${JSON.stringify(g.user)}, namespace=${JSON.stringify(g.namespace)}, group=${JSON.stringify(g.name)}`,
      );
    }
    return g;
  }

  private async get(key: string): Promise<RuleGroupDesc> {
    let body: Buffer;
    try {
      body = await this.client.getObject(key);
    } catch (err) {
      if (!isObjectNotFound(err)) throw new Error(`failed to get rule group ${key}: ${(err as Error).message}`);
      throw new GroupNotFoundError(
        this.flavour === 'legacy'
          ? // Loki's legacy store names the group it failed to find from an empty descriptor.
            `get rule group user="", namespace="", name="": group does not exist`
          : 'group does not exist',
      );
    }
    try {
      return decodeRuleGroup(body);
    } catch (err) {
      throw new Error(`failed to unmarshal rule group ${key}: ${(err as Error).message}`);
    }
  }

  getRuleGroup(user: string, namespace: string, group: string): Promise<RuleGroupDesc> {
    return this.get(ruleObjectKey(user, namespace, group));
  }

  setRuleGroup(user: string, namespace: string, group: RuleGroupDesc): Promise<void> {
    return this.client.putObject(ruleObjectKey(user, namespace, group.name), encodeRuleGroup(group));
  }

  async deleteRuleGroup(user: string, namespace: string, group: string): Promise<void> {
    const key = ruleObjectKey(user, namespace, group);
    // S3 deletes absent keys without complaint (Loki answers 202 there); a
    // file system reports them, which Loki turns into 404.
    if (this.client.kind === 'filesystem' && !(await this.client.headObject(key))) throw new GroupNotFoundError();
    await this.client.deleteObject(key);
  }

  async deleteNamespace(user: string, namespace: string): Promise<void> {
    const keys = (await this.listKeys(ruleObjectKey(user, namespace, ''))).filter((k) => k.user === user);
    if (keys.length === 0) throw new NamespaceNotFoundError();
    for (const k of keys) await this.client.deleteObject(k.key);
  }

  stop(): Promise<void> {
    return this.client.stop();
  }
}

/** Why the ruler has no rule store: Loki starts target `all` without a ruler then. */
export class RuleStoreNotConfigured extends Error {
  override name = 'RuleStoreNotConfigured';
}

function s3Client(config: AwsStorageConfig): ObjectClient {
  // Loki's documented test store: s3: inmemory:///<bucket>.
  if (config.s3?.startsWith('inmemory:')) return new InMemoryObjectClient();
  return new S3ObjectClient(config);
}

/** The thanos-style `ruler_storage.s3` block as the S3 client's settings. */
function bucketS3Config(s3: SkaldConfig['ruler_storage']['s3']): AwsStorageConfig {
  const endpoint = s3.endpoint === '' ? '' : `${s3.insecure ? 'http' : 'https'}://${s3.endpoint}`;
  return {
    ...(endpoint ? { endpoint } : {}),
    region: s3.region,
    bucketnames: s3.bucket_name,
    access_key_id: s3.access_key_id,
    secret_access_key: s3.secret_access_key,
    session_token: s3.session_token,
    insecure: s3.insecure,
    s3forcepathstyle: s3.bucket_lookup_type === 'path',
    ...(s3.storage_class ? { storage_class: s3.storage_class } : {}),
    http_config: { insecure_skip_verify: s3.http.insecure_skip_verify },
  };
}

/**
 * The rule store Loki would use: `ruler_storage` when
 * `storage_config.use_thanos_objstore` is set, else the legacy `ruler.storage`.
 * Throws RuleStoreNotConfigured when neither names a store.
 */
export async function createRuleStore(cfg: SkaldConfig): Promise<RuleStore> {
  if (cfg.storage_config.use_thanos_objstore) {
    const rs = cfg.ruler_storage;
    let client: ObjectClient;
    switch (rs.backend) {
      case 'local':
        if (rs.local.directory === '') throw new RuleStoreNotConfigured('ruler_storage.local.directory is not set');
        await mkdir(rs.local.directory, { recursive: true });
        return new LocalRuleStore(rs.local.directory);
      case 'filesystem':
        if (rs.filesystem.dir === '') throw new RuleStoreNotConfigured('ruler_storage.filesystem.dir is not set');
        client = await FilesystemObjectClient.open(rs.filesystem.dir);
        break;
      case 's3':
        client = s3Client(bucketS3Config(rs.s3));
        break;
      default:
        throw new Error(
          `ruler_storage backend ${JSON.stringify(rs.backend)} is not supported yet; use local, filesystem or s3`,
        );
    }
    const prefix = normalizeObjectPrefix(rs.storage_prefix);
    return new ObjectRuleStore(prefix === '' ? client : new PrefixedObjectClient(client, prefix), 'bucket');
  }
  const st = cfg.ruler.storage;
  switch (st.type) {
    case '':
      throw new RuleStoreNotConfigured('ruler.storage is not configured');
    case 'local':
      if (st.local.directory === '') throw new Error('directory required for local rules config');
      await mkdir(st.local.directory, { recursive: true });
      return new LocalRuleStore(st.local.directory);
    case 's3':
      return new ObjectRuleStore(s3Client(st.s3 as AwsStorageConfig), 'legacy');
    case 'azure':
    case 'gcs':
    case 'bos':
    case 'swift':
    case 'cos':
    case 'alibabacloud':
      throw new Error(
        `rule storage "${st.type}" is not supported yet; use local or s3 (also for S3-compatible stores)`,
      );
    default:
      throw new Error(
        `unrecognized rule storage mode ${st.type}, choose one of: configdb, gcs, s3, swift, azure, local`,
      );
  }
}
