// The query frontend: splitting, the results cache and stats merging in front
// of any query handler (the in-process engine, or a remote querier over HTTP).
export type { Cache } from '../storage/cache/cache.js';
export { createCache } from '../storage/cache/create.js';
export { EmbeddedCache } from '../storage/cache/embedded.js';
export { MemcachedCache } from '../storage/cache/memcached.js';
export {
  createQueryFrontend,
  type FrontendDeps,
  QueryFrontend,
  type QueryFrontendOptions,
} from './frontend.js';
export type { InstantQuery, QueryHandler, QueryResponse, RangeQuery } from './handler.js';
export { HttpQuerier, type HttpQuerierOptions } from './http-querier.js';
export { CacheStats, FrontendStats, statsFromJSON } from './stats.js';
