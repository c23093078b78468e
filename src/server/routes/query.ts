// The query API: query_range, query, labels, label values and series, with
// Loki's parameters, response envelopes and errors (including the legacy
// /api/prom routes).
import type { QueryHandler } from '../../frontend/handler.js';
import { parseQuery, responseJSON } from '../../logql/engine/engine.js';
import { ParseError, parseExpr, parseMatchers, prettifyExpr, QueryKindError } from '../../logql/syntax/index.js';
import { Messages } from '../../messages.js';
import type { MetadataQuerier } from '../../querier/metadata.js';
import { labelsToRecord } from '../../util/labels.js';
import { type CompiledMatcher, compileMatcher } from '../../util/matchers.js';
import { formatRFC3339Nano } from '../../util/time.js';
import { readForm } from '../body.js';
import { categorizeLabelsRequested, parseEncodingFlags } from '../encoding-flags.js';
import { HttpError } from '../http-error.js';
import { bounds, parseInstantQuery, parseRangeQuery } from '../params.js';
import { sendBody, sendJSON } from '../respond.js';
import type { RequestContext, Router } from '../router.js';
import { resolveQueryTenant, type TenantOptions } from '../tenant.js';

export interface QueryRouteDeps {
  /** The engine, or the query frontend in front of it. */
  engine: QueryHandler;
  metadata: MetadataQuerier;
  tenants: TenantOptions;
}

function selector(text: string): CompiledMatcher[] {
  try {
    return parseMatchers(text).map(compileMatcher);
  } catch (err) {
    if (err instanceof ParseError || err instanceof QueryKindError) throw new HttpError(400, err.message);
    throw err;
  }
}

export function registerQueryRoutes(router: Router, deps: QueryRouteDeps): void {
  const methods = ['GET', 'POST'];
  const tenantOf = (ctx: RequestContext) => resolveQueryTenant(ctx, deps.tenants);

  const queryRange = async (ctx: RequestContext): Promise<void> => {
    const tenant = tenantOf(ctx);
    const form = await readForm(ctx);
    const flags = parseEncodingFlags(ctx.req.headers);
    const q = { ...parseRangeQuery(form), categorizeLabels: categorizeLabelsRequested(flags) };
    const r = await deps.engine.rangeQuery(tenant, q, ctx.signal);
    sendJSON(ctx, responseJSON(r, flags));
  };
  router.add(methods, '/loki/api/v1/query_range', queryRange);

  router.add(methods, '/loki/api/v1/query', async (ctx) => {
    const tenant = tenantOf(ctx);
    const form = await readForm(ctx);
    const flags = parseEncodingFlags(ctx.req.headers);
    const q = { ...parseInstantQuery(form), categorizeLabels: categorizeLabelsRequested(flags) };
    const r = await deps.engine.instantQuery(tenant, q, ctx.signal);
    sendJSON(ctx, responseJSON(r, flags));
  });

  // Legacy: /api/prom/query is a range query returning the old streams shape.
  router.add(methods, '/api/prom/query', async (ctx) => {
    const tenant = tenantOf(ctx);
    const form = await readForm(ctx);
    const regexp = form.get('regexp');
    if (regexp) form.set('query', `${form.get('query') ?? ''} |~ ${JSON.stringify(regexp)}`);
    const q = parseRangeQuery(form);
    if (parseQuery(q.query).kind !== 'log_selector') throw new HttpError(400, Messages.legacyStreamsOnly);
    const r = await deps.engine.rangeQuery(tenant, q, ctx.signal);
    const streams = JSON.parse(r.result) as Array<{ stream: Record<string, string>; values: [string, string][] }>;
    const legacy = streams.map((s) => ({
      labels: `{${Object.entries(s.stream)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(', ')}}`,
      entries: s.values.map(([ts, line]) => ({ ts: formatRFC3339Nano(BigInt(ts)), line })),
    }));
    sendJSON(ctx, `{"streams":${JSON.stringify(legacy)},"stats":${JSON.stringify(r.stats)}}`);
  });

  const labels = (legacy: boolean) => async (ctx: RequestContext) => {
    const tenant = tenantOf(ctx);
    const form = await readForm(ctx);
    const { startNs, endNs } = bounds(form);
    const query = form.get('query');
    const names = await deps.metadata.labelNames(tenant, startNs, endNs, query ? selector(query) : []);
    sendJSON(
      ctx,
      legacy ? { values: names } : names.length > 0 ? { status: 'success', data: names } : { status: 'success' },
    );
  };
  router.add(methods, '/loki/api/v1/labels', labels(false));
  router.add(methods, '/loki/api/v1/label', labels(false));
  router.add(methods, '/api/prom/label', labels(true));

  const values = (legacy: boolean) => async (ctx: RequestContext) => {
    const tenant = tenantOf(ctx);
    const form = await readForm(ctx);
    const { startNs, endNs } = bounds(form);
    const query = form.get('query');
    const name = ctx.pathParams.name!;
    const vals = await deps.metadata.labelValues(tenant, name, startNs, endNs, query ? selector(query) : []);
    sendJSON(
      ctx,
      legacy ? { values: vals } : vals.length > 0 ? { status: 'success', data: vals } : { status: 'success' },
    );
  };
  router.add(methods, '/loki/api/v1/label/{name}/values', values(false));
  router.add(methods, '/api/prom/label/{name}/values', values(true));

  const series = async (ctx: RequestContext): Promise<void> => {
    const tenant = tenantOf(ctx);
    const form = await readForm(ctx);
    const { startNs, endNs } = bounds(form);
    const texts = [...form.getAll('match[]'), ...form.getAll('match')].filter((t) => t !== '');
    const groups = texts.filter((t) => t.trim() !== '{}').map(selector);
    const all = texts.length === 0 || groups.length < texts.length;
    const result = await deps.metadata.series(tenant, startNs, endNs, all ? [] : groups);
    sendJSON(ctx, { status: 'success', data: result.map(labelsToRecord) });
  };
  router.add(methods, '/loki/api/v1/series', series);

  // Loki serves format_query without a tenant: it only parses.
  router.add(methods, '/loki/api/v1/format_query', async (ctx) => {
    const form = await readForm(ctx);
    let body: { status: string; data?: string; error?: string };
    let status = 200;
    try {
      body = { status: 'success', data: prettifyExpr(parseExpr(form.get('query') ?? '')) };
    } catch (err) {
      if (!(err instanceof ParseError || err instanceof QueryKindError)) throw err;
      status = 400;
      body = { status: 'invalid-query', error: err.message };
    }
    sendBody(ctx, status, 'application/json; charset=utf-8', `${JSON.stringify(body)}\n`);
  });
  router.add(methods, '/api/prom/series', series);
}
