// Picks the object store for a schema period's `object_store` name, the way
// Loki does: a built-in type ("filesystem", "aws"/"s3", "alibabacloud",
// "inmemory") reads its block of `storage_config`, and any other name is looked
// up in `storage_config.named_stores`.
import type { LookupFunction } from 'node:net';
import type { Registry } from 'prom-client';
import { ossAsS3Config } from './alibaba.js';
import type { ObjectClient } from './client.js';
import {
  type AwsStorageConfig,
  type FilesystemStorageConfig,
  ObjectStoreConfigError,
  type StorageConfig,
} from './config.js';
import { FilesystemObjectClient } from './filesystem.js';
import { instrumentObjectClient } from './instrumented.js';
import { InMemoryObjectClient } from './memory.js';
import { normalizeObjectPrefix, PrefixedObjectClient } from './prefixed.js';
import { S3ObjectClient } from './s3.js';

/** Every `object_store` type Loki knows, in the order of its error message. */
const LOKI_STORE_TYPES = ['aws', 's3', 'gcs', 'azure', 'alibabacloud', 'swift', 'bos', 'cos', 'filesystem'] as const;
const NOT_YET_SUPPORTED = new Set(['gcs', 'azure', 'swift', 'bos', 'cos']);

export class UnsupportedObjectStoreError extends Error {
  override name = 'UnsupportedObjectStoreError';
}

export interface CreateObjectClientOptions {
  /** When given, the client is instrumented (loki_objstore_bucket_*, loki_s3_request_duration_seconds). */
  registry?: Registry;
  /** Test-only host name resolution for S3 connections (see S3ObjectClientOptions.lookup). */
  lookup?: LookupFunction;
}

export async function createObjectClient(
  kind: string,
  storageConfig: StorageConfig,
  options: CreateObjectClientOptions = {},
): Promise<ObjectClient> {
  let client = await createBaseClient(kind, storageConfig, options);
  const prefix = normalizeObjectPrefix(storageConfig.object_prefix);
  if (prefix !== '') client = new PrefixedObjectClient(client, prefix);
  return options.registry ? instrumentObjectClient(client, options.registry) : client;
}

async function createBaseClient(
  kind: string,
  storage: StorageConfig,
  options: CreateObjectClientOptions,
): Promise<ObjectClient> {
  const s3Options = {
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.lookup ? { lookup: options.lookup } : {}),
  };
  switch (kind) {
    case 'filesystem':
      return openFilesystem(storage.filesystem, 'storage_config.filesystem.directory');
    case 'aws':
    case 's3':
      return createS3(storage.aws ?? {}, s3Options);
    case 'alibabacloud': {
      const oss = ossAsS3Config(storage.alibabacloud ?? {});
      return new S3ObjectClient(oss.aws, {
        ...s3Options,
        kind: 'alibabacloud',
        connectTimeoutMs: oss.connectTimeoutMs,
      });
    }
    case 'inmemory':
      return new InMemoryObjectClient();
  }
  if (NOT_YET_SUPPORTED.has(kind)) {
    throw new UnsupportedObjectStoreError(
      `object store "${kind}" is not supported yet; use filesystem, s3 (also for S3-compatible stores such as MinIO and Ceph) or alibabacloud`,
    );
  }

  const named = storage.named_stores;
  const namedAws = named?.aws?.[kind];
  if (namedAws) return createS3(namedAws, s3Options);
  const namedFilesystem = named?.filesystem?.[kind];
  if (namedFilesystem) {
    return openFilesystem(namedFilesystem, `storage_config.named_stores.filesystem.${kind}.directory`);
  }
  const namedOss = named?.alibabacloud?.[kind];
  if (namedOss) {
    const oss = ossAsS3Config(namedOss);
    return new S3ObjectClient(oss.aws, { ...s3Options, kind: 'alibabacloud', connectTimeoutMs: oss.connectTimeoutMs });
  }
  throw new UnsupportedObjectStoreError(
    `Unrecognized storage client ${kind}, choose one of: ${LOKI_STORE_TYPES.join(', ')}`,
  );
}

function createS3(config: AwsStorageConfig, options: ConstructorParameters<typeof S3ObjectClient>[1]): ObjectClient {
  // Loki's documented test store: s3: inmemory:///<bucket>.
  if (config.s3?.startsWith('inmemory:')) return new InMemoryObjectClient();
  return new S3ObjectClient(config, options);
}

function openFilesystem(config: FilesystemStorageConfig | undefined, field: string): Promise<ObjectClient> {
  const directory = config?.directory ?? '';
  if (directory === '') throw new ObjectStoreConfigError(`${field} must be set for the filesystem object store`);
  return FilesystemObjectClient.open(directory);
}
