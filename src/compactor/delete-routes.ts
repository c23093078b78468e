// The log deletion API, with Loki's paths, parameters, status codes and
// messages:
//
//   POST|PUT /loki/api/v1/delete?query=&start=&end=[&max_interval=]   204, X-Delete-Request-ID
//   GET      /loki/api/v1/delete[?start=&end=]                         the tenant's requests
//   DELETE   /loki/api/v1/delete?request_id=[&force=true]             cancel
//   GET      /loki/api/v1/cache/generation_numbers                    results-cache generation
//   POST     /loki/api/v1/cache/generation_numbers/increase
//   GET|POST /compactor/ui/api/v1/deletes                             the compactor UI's view
//
// Every request is scoped to the tenant of X-Scope-OrgID, and refused with 403
// when the tenant's `deletion_mode` is `disabled`. As in Loki, the
// /loki/api/v1 routes exist only with `retention_enabled`; the UI route always
// exists and says "Retention is not enabled" without it. The UI's listing shows
// every tenant's requests: it is an operator's view, as in Loki.
import { formatGoDuration, parseGoDuration } from '../config/index.js';
import { HttpError } from '../server/http-error.js';
import { sendBody, sendNoContent } from '../server/respond.js';
import type { RequestContext, Router } from '../server/router.js';
import { resolveTenant, type TenantOptions } from '../server/tenant.js';
import type { Logger } from '../util/log.js';
import { parseRFC3339Nano } from '../util/time.js';
import { parseDeletionMode } from './delete-batch.js';
import { hasFilter, parseDeleteQuery } from './delete-query.js';
import {
  type DeleteRequestsStore,
  type DeleteRequestView,
  STATUS_PROCESSED,
  STATUS_RECEIVED,
} from './delete-requests-store.js';
import type { CompactorMetrics } from './metrics.js';

/** Loki's deletion handlers answer with Go's http.Error: the message and a newline. */
function httpError(status: number, message: string): HttpError {
  return new HttpError(status, message, true);
}

export const DELETION_NOT_AVAILABLE = 'deletion is not available for this tenant';
export const RETENTION_NOT_ENABLED = 'Retention is not enabled';

export interface DeleteRoutesDeps {
  /** Null when retention is disabled. */
  requests: DeleteRequestsStore | null;
  tenants: TenantOptions;
  deletionMode: (tenant: string) => string;
  cancelPeriodMs: number;
  maxIntervalMs: number;
  metrics: CompactorMetrics;
  logger: Logger;
  nowMs?: () => number;
}

/** Go's encoding/json output: HTML-sensitive characters escaped, newline-terminated. */
export function goJSON(value: unknown): string {
  return `${JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

/** Loki's deletion parseTime: empty is now, then RFC3339, then exactly ten digits of unix seconds; ms. */
export function parseDeleteTime(value: string, nowMs: number): number | null {
  if (value === '') return nowMs;
  const ns = parseRFC3339Nano(value);
  if (ns !== null) return Number(ns / 1_000_000n) - (ns < 0n && ns % 1_000_000n !== 0n ? 1 : 0);
  if (value.length !== 10) return null;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) {
    const f = Number(value);
    const sec = Math.trunc(f);
    const frac = Math.round((f - sec) * 1000) / 1000;
    return sec * 1000 + Math.round(frac * 1000);
  }
  return null;
}

/** A request as /loki/api/v1/delete lists it: times in seconds, no tenant (Loki clears it). */
function apiView(r: DeleteRequestView): Record<string, unknown> {
  return {
    request_id: r.requestId,
    start_time: r.startMs / 1000,
    end_time: r.endMs / 1000,
    query: r.query,
    status: r.status,
    created_at: r.createdAtMs / 1000,
    user_id: '',
  };
}

export function registerDeleteRoutes(router: Router, deps: DeleteRoutesDeps): void {
  const now = deps.nowMs ?? Date.now;

  /** Loki's auth middleware and deletion TenantMiddleware: the tenant, or an HttpError. */
  const tenantOf = (ctx: RequestContext, tenants: TenantOptions): string => {
    let tenant: string;
    try {
      tenant = resolveTenant(ctx, tenants);
    } catch (err) {
      // Loki's deletion middleware writes tenant errors with http.Error too.
      if (err instanceof HttpError) throw httpError(err.status, err.message);
      throw err;
    }
    const mode = parseDeletionMode(deps.deletionMode(tenant));
    if (mode === null)
      throw httpError(400, 'unknown deletion mode: must be one of disabled|filter-only|filter-and-delete');
    if (mode === 'disabled') throw httpError(403, DELETION_NOT_AVAILABLE);
    return tenant;
  };

  const store = (): DeleteRequestsStore => {
    if (!deps.requests) throw httpError(400, RETENTION_NOT_ENABLED);
    return deps.requests;
  };

  const add = async (ctx: RequestContext, tenants: TenantOptions): Promise<void> => {
    const tenant = tenantOf(ctx, tenants);
    const requests = store();
    const p = ctx.url.searchParams;
    const query = p.get('query') ?? '';
    if (query === '') throw httpError(400, 'query not set');
    let expr: ReturnType<typeof parseDeleteQuery>;
    try {
      expr = parseDeleteQuery(query);
    } catch (err) {
      throw httpError(400, err instanceof Error ? err.message : String(err));
    }
    const nowMs = now();
    const startText = p.get('start') ?? '';
    if (startText === '') throw httpError(400, 'start time not set');
    const startMs = parseDeleteTime(startText, nowMs);
    if (startMs === null) throw httpError(400, 'invalid start time: require unix seconds or RFC3339 format');
    const endMs = parseDeleteTime(p.get('end') ?? '', nowMs);
    if (endMs === null) throw httpError(400, 'invalid end time: require unix seconds or RFC3339 format');
    if (endMs > now()) throw httpError(400, 'deletes in the future are not allowed');
    if (startMs >= endMs) throw httpError(400, "start time can't be greater than or equal to end time");
    // Only requests with line filters are split (they are the expensive ones).
    const interval = hasFilter(expr) ? shardInterval(p.get('max_interval') ?? '', startMs, endMs) : 0;
    let id: string;
    try {
      id = await requests.add(tenant, query, startMs, endMs, interval);
    } catch (err) {
      deps.logger.error('error adding delete request to the store', { err });
      throw httpError(500, err instanceof Error ? err.message : String(err));
    }
    deps.logger.info('delete request for user added', {
      delete_request_id: id,
      user: tenant,
      query,
      interval: formatGoDuration(interval),
    });
    deps.metrics.deleteRequestsReceivedTotal.inc({ user: tenant });
    ctx.res.setHeader('X-Delete-Request-ID', id);
    sendNoContent(ctx);
  };

  const shardInterval = (text: string, startMs: number, endMs: number): number => {
    if (text === '') return deps.maxIntervalMs;
    let ms: number;
    try {
      ms = parseGoDuration(text);
    } catch {
      ms = Number.NaN;
    }
    if (!(ms >= 1000)) throw httpError(400, "invalid max_interval: valid time units are 's', 'm', 'h'");
    if (ms > deps.maxIntervalMs && deps.maxIntervalMs !== 0)
      throw httpError(400, `max_interval can't be greater than ${formatGoDuration(deps.maxIntervalMs)}`);
    if (ms > endMs - startMs)
      throw httpError(
        400,
        `max_interval can't be greater than the interval to be deleted (${formatGoDuration(endMs - startMs)})`,
      );
    return ms;
  };

  const list = (ctx: RequestContext): void => {
    const tenant = tenantOf(ctx, deps.tenants);
    const requests = store();
    const p = ctx.url.searchParams;
    const s = p.get('start') ?? '';
    const e = p.get('end') ?? '';
    let range: { startMs: number; endMs: number } | undefined;
    if (s !== '' && e !== '') {
      const startMs = parseDeleteTime(s, now());
      if (startMs === null) throw httpError(400, 'invalid start time: require unix seconds or RFC3339 format');
      const endMs = parseDeleteTime(e, now());
      if (endMs === null) throw httpError(400, 'invalid end time: require unix seconds or RFC3339 format');
      range = { startMs, endMs };
    }
    sendBody(ctx, 200, 'application/json', goJSON(requests.forTenant(tenant, range).map(apiView)));
  };

  const cancel = async (ctx: RequestContext): Promise<void> => {
    const tenant = tenantOf(ctx, deps.tenants);
    const requests = store();
    const p = ctx.url.searchParams;
    const id = p.get('request_id') ?? '';
    const req = requests.get(tenant, id);
    if (!req) throw httpError(404, 'could not find delete request with given id');
    if (req.status === STATUS_PROCESSED)
      throw httpError(400, 'deletion of request which is in process or already processed is not allowed');
    if (
      (req.status !== STATUS_RECEIVED || req.createdAtMs + deps.cancelPeriodMs < now()) &&
      p.get('force') !== 'true'
    ) {
      throw httpError(
        400,
        `Cancellation of partially completed delete request or delete request past the deadline of ${formatGoDuration(deps.cancelPeriodMs)} since its creation is not allowed. To force, use the ?force query parameter`,
      );
    }
    try {
      await requests.remove(tenant, id);
    } catch (err) {
      deps.logger.error('error cancelling the delete request', { err });
      throw httpError(500, err instanceof Error ? err.message : String(err));
    }
    sendNoContent(ctx);
  };

  const cacheGen = (ctx: RequestContext): void => {
    const tenant = tenantOf(ctx, deps.tenants);
    // Go's encoder writes a JSON string, and net/http sniffs its type as text.
    sendBody(ctx, 200, 'text/plain; charset=utf-8', goJSON(store().cacheGenNumber(tenant)));
  };

  const bumpCacheGen = async (ctx: RequestContext): Promise<void> => {
    const tenant = tenantOf(ctx, deps.tenants);
    try {
      await store().bumpCacheGenNumber(tenant);
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw httpError(
        500,
        `error updating cache generation number ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    sendNoContent(ctx);
  };

  if (deps.requests) {
    router.add(['POST', 'PUT'], '/loki/api/v1/delete', (ctx) => add(ctx, deps.tenants));
    router.add(['GET'], '/loki/api/v1/delete', list);
    router.add(['DELETE'], '/loki/api/v1/delete', cancel);
    router.add(['GET'], '/loki/api/v1/cache/generation_numbers', cacheGen);
    router.add(['POST'], '/loki/api/v1/cache/generation_numbers/increase', bumpCacheGen);
  }

  // The UI's POST authenticates with X-Scope-OrgID even when auth is disabled, as Loki's does.
  const uiTenants: TenantOptions = { authEnabled: true };
  router.add(
    ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
    '/compactor/ui/api/v1/deletes',
    async (ctx) => {
      const method = ctx.req.method;
      if (method === 'GET' || method === 'HEAD') {
        const status = ctx.url.searchParams.get('status') || STATUS_RECEIVED;
        const all = store()
          .all()
          .filter((r) => r.status === status)
          .sort((a, b) => b.createdAtMs - a.createdAtMs)
          .slice(0, 100);
        const body = all.map((r) => ({
          request_id: r.requestId,
          start_time: r.startMs,
          end_time: r.endMs,
          query: r.query,
          status: r.status,
          created_at: r.createdAtMs,
          user_id: r.tenant,
        }));
        sendBody(ctx, 200, 'application/json', goJSON(body));
        return;
      }
      if (method === 'POST') {
        await add(ctx, uiTenants);
        return;
      }
      throw httpError(405, 'Method not allowed');
    },
  );
}
