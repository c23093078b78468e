// GET|POST /loki/api/v1/patterns: the log patterns the pattern detector mined
// from pushed lines of the selected streams, counted per step (Grafana Logs
// Drilldown's Patterns tab). 404 without a body when the pattern ingester is
// off, as Loki answers.
import { ParseError, parseMatchers, QueryKindError } from '../../logql/syntax/index.js';
import { encodePatternsResponse, type PatternDetector } from '../../pattern/index.js';
import type { Labels } from '../../util/labels.js';
import { type CompiledMatcher, compileMatcher } from '../../util/matchers.js';
import { msToNs, nowNs } from '../../util/time.js';
import { readForm } from '../body.js';
import { HttpError } from '../http-error.js';
import { parseRangeQuery } from '../params.js';
import { sendBody } from '../respond.js';
import type { Router } from '../router.js';
import { resolveTenant, type TenantOptions } from '../tenant.js';

export interface PatternRouteDeps {
  /** Null when `pattern_ingester.enabled` is false. */
  detector: PatternDetector | null;
  tenants: TenantOptions;
  /** pattern_ingester.retain_for: nothing older is kept. */
  retainForMs: number;
}

function streamMatcher(text: string): (labels: Labels) => boolean {
  let matchers: CompiledMatcher[];
  try {
    matchers = parseMatchers(text).map(compileMatcher);
  } catch (err) {
    if (err instanceof ParseError || err instanceof QueryKindError) throw new HttpError(400, err.message);
    throw err;
  }
  return (labels) =>
    matchers.every((m) => {
      for (const l of labels) if (l.name === m.name) return m.matches(l.value);
      return m.matches('');
    });
}

export function registerPatternRoutes(router: Router, deps: PatternRouteDeps): void {
  router.add(['GET', 'POST'], '/loki/api/v1/patterns', async (ctx) => {
    const detector = deps.detector;
    if (!detector) {
      ctx.res.writeHead(404).end();
      return;
    }
    const tenant = resolveTenant(ctx, deps.tenants);
    const form = await readForm(ctx);
    const q = parseRangeQuery(form);
    const match = streamMatcher(q.query);
    const oldest = nowNs() - msToNs(deps.retainForMs);
    const series = q.endNs < oldest ? [] : detector.query(tenant, match, q.startNs, q.endNs, q.stepNs);
    sendBody(ctx, 200, 'application/json; charset=UTF-8', encodePatternsResponse(series));
  });
}
