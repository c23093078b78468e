// The discovery API Grafana and Logs Drilldown call around queries:
// index/stats, index/volume(_range), detected_labels, detected_fields,
// detected_field/{name}/values (registerDiscoveryRoutes, with the querier),
// and drilldown-limits and the tenant limits (registerTenantLimitsRoutes, on
// every target), with Loki's parameters, errors and response shapes.
import type { LimitsConfig } from '../../config/index.js';
import { QueryStats } from '../../logql/engine/stats.js';
import { Messages } from '../../messages.js';
import {
  checkLineLimit,
  type DetectedFieldsRequest,
  DiscoveryMessages,
  detectedFieldsJSON,
  detectedFieldValuesJSON,
  detectedLabels,
  detectedLabelsJSON,
  detectFields,
  detectFieldValues,
  drilldownLimitsJSON,
  indexStats,
  indexStatsJSON,
  limitTimeRange,
  MATCH_ANY,
  parseDetectedFieldsParams,
  parseDetectedLabelsParams,
  parseIndexStatsParams,
  parseLogQuery,
  parseSelector,
  parseVolumeInstantParams,
  parseVolumeRangeParams,
  publishedLimits,
  queryVolume,
  type TenantLimitsOptions,
  tenantLimitsYAML,
  toMsRange,
  VolumeMaxSeriesError,
  type VolumeParams,
  type VolumeRequest,
  volumeResponseJSON,
} from '../../querier/discovery/index.js';
import type { SourceDeps } from '../../querier/sources.js';
import { compileMatcher } from '../../util/matchers.js';
import { buildInfoVersion } from '../../version.js';
import { readForm } from '../body.js';
import { HttpError } from '../http-error.js';
import { sendBody, sendJSON } from '../respond.js';
import type { RequestContext, Router } from '../router.js';
import { resolveTenant, type TenantOptions, validateTenantId } from '../tenant.js';

export interface DiscoveryRouteDeps {
  sources: SourceDeps;
  tenants: TenantOptions;
  /** The tenant's effective limits_config (defaults with runtime overrides). */
  limits: (tenant: string) => LimitsConfig;
}

export interface TenantLimitsRouteDeps {
  /** The tenant's effective limits_config (defaults with runtime overrides). */
  limits: (tenant: string) => LimitsConfig;
  /** What the tenant limits endpoints publish. */
  publish: TenantLimitsOptions;
  /** pattern_ingester.enabled, reported to Logs Drilldown. */
  patternIngesterEnabled: boolean;
  /** The version reported by drilldown-limits; defaults to the buildinfo version. */
  version?: string;
}

/** The single tenant named by X-Scope-OrgID, required whatever auth_enabled says (Loki's tenant limits handlers). */
function headerTenant(ctx: RequestContext): string {
  const header = ctx.req.headers['x-scope-orgid'];
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw) throw new HttpError(401, Messages.noOrgId, true);
  const ids = [...new Set(raw.split('|'))];
  for (const id of ids) {
    const err = validateTenantId(id);
    if (err) throw new HttpError(401, err, true);
  }
  if (ids.length > 1) throw new HttpError(401, Messages.multipleOrgIds, true);
  return ids[0]!;
}

/**
 * Runs a read under the tenant's `query_timeout`, answering 504 with Loki's
 * message when it expires (and leaving client cancellations alone).
 */
async function withQueryTimeout<T>(
  signal: AbortSignal,
  timeoutMs: number,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (timeoutMs <= 0) return run(signal);
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    return await run(AbortSignal.any([signal, timeout]));
  } catch (err) {
    if (timeout.aborted && !signal.aborted) throw new HttpError(504, Messages.queryTimeout);
    throw err;
  }
}

/** index/stats and the detected_* answers are bare JSON objects, not query envelopes. */
function sendBare(ctx: RequestContext, json: string): void {
  sendBody(ctx, 200, 'application/json; charset=UTF-8', json);
}

export function registerDiscoveryRoutes(router: Router, deps: DiscoveryRouteDeps): void {
  const methods = ['GET', 'POST'];
  const tenantOf = (ctx: RequestContext) => resolveTenant(ctx, deps.tenants);

  router.add(methods, '/loki/api/v1/index/stats', async (ctx) => {
    const tenant = tenantOf(ctx);
    const params = parseIndexStatsParams(await readForm(ctx));
    const limits = deps.limits(tenant);
    const range = limitTimeRange(params, limits);
    const matchers = parseSelector(params.query).map(compileMatcher);
    const stats = await withQueryTimeout(ctx.signal, limits.query_timeout, (signal) =>
      indexStats(deps.sources, { tenant, matchers, ...toMsRange(range) }, signal),
    );
    sendBare(ctx, indexStatsJSON(stats));
  });

  const volume = (parse: (form: URLSearchParams) => VolumeParams) => async (ctx: RequestContext) => {
    const started = performance.now();
    const tenant = tenantOf(ctx);
    const params = parse(await readForm(ctx));
    const limits = deps.limits(tenant);
    if (!limits.volume_enabled) throw new HttpError(404, DiscoveryMessages.volumeDisabled);
    const range = limitTimeRange(params, limits);
    const request: VolumeRequest = {
      tenant,
      matchers: params.query === MATCH_ANY ? null : parseSelector(params.query),
      ...toMsRange(range),
      stepMs: Number(params.stepNs / 1_000_000n),
      limit: params.limit,
      targetLabels: params.targetLabels,
      aggregateBy: params.aggregateBy,
      maxSeries: limits.volume_max_series,
    };
    const result = await withQueryTimeout(ctx.signal, limits.query_timeout, (signal) =>
      queryVolume(deps.sources, request, signal).catch((err: unknown) => {
        // Too many groups is the request's doing (a broad selector or grouping), not a server fault.
        throw err instanceof VolumeMaxSeriesError ? new HttpError(400, err.message) : err;
      }),
    );
    const stats = new QueryStats();
    stats.splits = result.buckets;
    stats.execTimeSec = (performance.now() - started) / 1000;
    sendJSON(ctx, volumeResponseJSON(result, stats));
  };
  router.add(methods, '/loki/api/v1/index/volume', volume(parseVolumeInstantParams));
  router.add(methods, '/loki/api/v1/index/volume_range', volume(parseVolumeRangeParams));

  router.add(methods, '/loki/api/v1/detected_labels', async (ctx) => {
    const tenant = tenantOf(ctx);
    const params = parseDetectedLabelsParams(await readForm(ctx));
    const limits = deps.limits(tenant);
    const range = limitTimeRange(params, limits);
    const matchers = params.query ? parseSelector(params.query).map(compileMatcher) : [];
    const labels = await withQueryTimeout(ctx.signal, limits.query_timeout, (signal) =>
      detectedLabels(deps.sources, { tenant, matchers, ...range }, signal),
    );
    sendBare(ctx, detectedLabelsJSON(labels));
  });

  /** Shared by detected_fields and the values of one field: the validated sample request and the timeout. */
  const fieldsRequest = async (ctx: RequestContext): Promise<{ req: DetectedFieldsRequest; timeoutMs: number }> => {
    const tenant = tenantOf(ctx);
    const params = parseDetectedFieldsParams(await readForm(ctx));
    const selector = parseLogQuery(params.query);
    const limits = deps.limits(tenant);
    checkLineLimit(params.lineLimit, limits);
    const range = limitTimeRange(params, limits);
    return {
      req: { tenant, selector, ...range, lineLimit: params.lineLimit, limit: params.limit },
      timeoutMs: limits.query_timeout,
    };
  };

  router.add(methods, '/loki/api/v1/detected_fields', async (ctx) => {
    const { req, timeoutMs } = await fieldsRequest(ctx);
    const fields = await withQueryTimeout(ctx.signal, timeoutMs, (signal) => detectFields(deps.sources, req, signal));
    sendBare(ctx, detectedFieldsJSON(fields, req.limit));
  });

  router.add(methods, '/loki/api/v1/detected_field/{name}/values', async (ctx) => {
    const { req, timeoutMs } = await fieldsRequest(ctx);
    const name = ctx.pathParams.name!;
    const values = await withQueryTimeout(ctx.signal, timeoutMs, (signal) =>
      detectFieldValues(deps.sources, req, name, signal),
    );
    sendBare(ctx, detectedFieldValuesJSON(values, req.limit));
  });
}

/**
 * The tenant limits endpoints. Loki serves them on every target, outside the
 * query path, and reads the tenant header itself.
 */
export function registerTenantLimitsRoutes(router: Router, deps: TenantLimitsRouteDeps): void {
  const published = (ctx: RequestContext) => publishedLimits(deps.limits(headerTenant(ctx)), deps.publish);

  router.add(['GET'], '/loki/api/v1/drilldown-limits', (ctx) => {
    const body = drilldownLimitsJSON(published(ctx), deps.patternIngesterEnabled, deps.version ?? buildInfoVersion());
    sendBody(ctx, 200, 'application/json', body);
  });

  router.add(['GET'], '/config/tenant/v1/limits', (ctx) => {
    sendBody(ctx, 200, 'text/plain; charset=utf-8', tenantLimitsYAML(published(ctx)));
  });
}
