// A real S3 API server for tests: s3rver on 127.0.0.1, a random free port and a
// temporary directory. Objects live on disk, so the server can be taken down
// and brought back on the same port without losing anything, which is how
// tests prove that Skald rides out an object-store outage.
//
// Addressing:
// - path style:           `endpoint` (http://127.0.0.1:<port>)
// - virtual-hosted style: `virtualHostEndpoint` (http://s3.localhost:<port>); the
//   client then calls http://<bucket>.s3.localhost:<port>, which s3rver maps to
//   the bucket. Give the client `resolveLocalhostSubdomains` as its lookup.
//
// s3rver accepts any signature from the access key "S3RVER" and refuses
// unknown access keys, which lets tests tell which credentials were used.
// Its ListObjectsV2 is replaced by one that sorts and pages like S3.
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listObjectsV2Middleware } from './s3rver-list-objects.js';

export { resolveLocalhostSubdomains } from '../storage/objstore/localhost-lookup.js';

export const S3_TEST_ACCESS_KEY_ID = 'S3RVER';
export const S3_TEST_SECRET_ACCESS_KEY = 'S3RVER';
export const S3_TEST_REGION = 'us-east-1';

interface S3rverOptions {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  serviceEndpoint: string;
  vhostBuckets: boolean;
  configureBuckets: { name: string }[];
}

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  store: { putBucket(name: string): Promise<unknown> };
  /** Koa's middleware list; s3rver's router is the last entry. */
  middleware: unknown[];
  close(): Promise<void>;
  httpServer?: Server;
}

type S3rverConstructor = new (options: S3rverOptions) => S3rverInstance;

// The AWS SDK warns once per process that its future releases need Node 22;
// in test output that is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as S3rverConstructor;

export interface S3TestServer {
  /** Path-style endpoint on the loopback address. */
  readonly endpoint: string;
  /** Endpoint for virtual-hosted requests (needs `resolveLocalhostSubdomains`). */
  readonly virtualHostEndpoint: string;
  readonly port: number;
  /** Where s3rver keeps buckets and objects. */
  readonly directory: string;
  /** Whether the server is listening (false between `halt` and `resume`). */
  readonly running: boolean;
  /** Creates buckets (idempotent); works while the server is running. */
  createBuckets(names: string[]): Promise<void>;
  /** Stops listening and drops open connections; objects stay on disk. */
  halt(): Promise<void>;
  /** Listens again on the same port with the same objects. */
  resume(): Promise<void>;
  /** Stops for good and deletes every object. */
  stop(): Promise<void>;
}

export interface S3TestServerOptions {
  /** Buckets to create before the server accepts requests. */
  buckets?: string[];
}

export async function startS3Server(options: S3TestServerOptions = {}): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'skald-s3-'));
  const buckets = new Set(options.buckets ?? []);
  let instance: S3rverInstance | undefined;
  let port = 0;

  const launch = async (): Promise<void> => {
    const server = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory,
      serviceEndpoint: 'localhost',
      vhostBuckets: true,
      configureBuckets: [...buckets].map((name) => ({ name })),
    });
    // s3rver's own listing is unusable for paging (see s3rver-list-objects.ts):
    // answer ListObjectsV2 before the request reaches its router.
    server.middleware.splice(server.middleware.length - 1, 0, listObjectsV2Middleware(directory));
    const address = await server.run();
    port = address.port;
    instance = server;
  };

  const halt = async (): Promise<void> => {
    const server = instance;
    if (!server) return;
    instance = undefined;
    // Keep-alive sockets from clients would otherwise hold close() open.
    server.httpServer?.closeAllConnections();
    await server.close();
  };

  try {
    await launch();
  } catch (err) {
    await rm(directory, { recursive: true, force: true });
    throw err;
  }

  return {
    get endpoint() {
      return `http://127.0.0.1:${port}`;
    },
    get virtualHostEndpoint() {
      return `http://s3.localhost:${port}`;
    },
    get port() {
      return port;
    },
    directory,
    get running() {
      return instance !== undefined;
    },
    async createBuckets(names: string[]) {
      if (!instance) throw new Error('S3 test server is halted');
      for (const name of names) {
        buckets.add(name);
        await instance.store.putBucket(name);
      }
    },
    halt,
    async resume() {
      if (!instance) await launch();
    },
    async stop() {
      await halt();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
