// What the query frontend wraps: anything that answers Loki's range and
// instant queries for a tenant. The in-process LogQL engine is one (it has
// exactly this shape); a querier reached over HTTP is another
// (http-querier.ts). The frontend itself is one too, so frontends stack.
import type { InstantQuery, QueryResponse, RangeQuery } from '../logql/engine/engine.js';

export type { InstantQuery, QueryResponse, RangeQuery };

export interface QueryHandler {
  rangeQuery(tenant: string, q: RangeQuery, signal: AbortSignal): Promise<QueryResponse>;
  instantQuery(tenant: string, q: InstantQuery, signal: AbortSignal): Promise<QueryResponse>;
}
