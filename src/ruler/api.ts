// The ruler's HTTP API (pkg/ruler/base/api.go): rule groups in YAML under
// /loki/api/v1/rules (and the legacy /api/prom/rules), and the
// Prometheus-compatible JSON of /prometheus/api/v1/rules and
// /prometheus/api/v1/alerts that Grafana reads. Status codes, bodies and
// messages are Loki's.

import { readBody } from '../server/body.js';
import { sendBody, sendError } from '../server/respond.js';
import type { RequestContext, Router } from '../server/router.js';
import { resolveTenant, type TenantOptions } from '../server/tenant.js';
import { goJSON } from '../util/go-json.js';
import type { Labels } from '../util/labels.js';
import { formatRFC3339Nano } from '../util/time.js';
import type { Group } from './group.js';
import {
  formatNamespacesYaml,
  formatRuleGroupYaml,
  parseRuleGroup,
  type RuleGroupDesc,
  toDesc,
  validateGroups,
} from './rule-group.js';
import { GroupNotFoundError, NamespaceNotFoundError, type RuleStore } from './rule-store.js';
import { type Alert, AlertingRule } from './rules.js';

export interface RulerApiDeps {
  store: RuleStore;
  tenants: TenantOptions;
  /** A tenant's running groups. */
  groupsOf(user: string): Group[];
  limits(user: string): { ruler_max_rules_per_rule_group: number; ruler_max_rule_groups_per_tenant: number };
}

/** Loki's `response` envelope; every field is always written. */
function envelope(status: string, data: unknown, errorType = '', error = ''): string {
  return goJSON({ status, data, errorType, error });
}

function respondError(ctx: RequestContext, status: number, errorType: string, msg: string): void {
  // Loki writes the JSON without a Content-Type; Go's sniffing then calls it text.
  sendBody(ctx, status, 'text/plain; charset=utf-8', envelope('error', null, errorType, msg));
}

const respondServerError = (ctx: RequestContext, msg: string) => respondError(ctx, 500, 'server_error', msg);
const respondInvalidRequest = (ctx: RequestContext, msg: string) => respondError(ctx, 400, 'bad_data', msg);

function respondAccepted(ctx: RequestContext): void {
  // 202: the group is stored and will be picked up at the next poll.
  sendBody(ctx, 202, 'application/json', envelope('success', null));
}

function sendYaml(ctx: RequestContext, text: string): void {
  sendBody(ctx, 200, 'application/yaml', text);
}

/** Go's filepath.IsLocal on Unix: relative, non-empty, and not escaping upwards. */
export function isLocalPath(p: string): boolean {
  if (p === '' || p.startsWith('/')) return false;
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return false;
      parts.pop();
    } else parts.push(part);
  }
  return true;
}

class RequestError extends Error {}

interface ParsedRequest {
  user: string;
  namespace: string;
  group: string;
}

function parseRequest(
  ctx: RequestContext,
  deps: RulerApiDeps,
  needNamespace: boolean,
  needGroup: boolean,
): ParsedRequest {
  const user = resolveTenant(ctx, deps.tenants);
  const namespace = ctx.pathParams.namespace;
  const group = ctx.pathParams.groupName;
  if (namespace === undefined && needNamespace) throw new RequestError('a namespace must be provided in the request');
  if (namespace !== undefined && !isLocalPath(namespace)) {
    throw new RequestError('invalid namespace: path traversal not allowed');
  }
  if (group === undefined && needGroup) throw new RequestError('a matching group name must be provided in the request');
  if (group !== undefined && !isLocalPath(group))
    throw new RequestError('invalid groupname: path traversal not allowed');
  return { user, namespace: namespace ?? '', group: group ?? '' };
}

/** `labels=a:b,c:d` (Loki's parseLabels). */
function parseLabelFilter(text: string | null): Array<{ name: string; value: string }> {
  if (!text) return [];
  return text.split(',').map((l) => {
    const [name = '', value = ''] = l.split(':');
    return { name, value };
  });
}

function filterRuleGroups(groups: RuleGroupDesc[], wanted: Array<{ name: string; value: string }>): RuleGroupDesc[] {
  const out: RuleGroupDesc[] = [];
  for (const g of groups) {
    const rules = g.rules.filter((r) =>
      r.labels.some((l) => wanted.some((w) => w.name === l.name && w.value === l.value)),
    );
    if (rules.length > 0) out.push({ ...g, rules });
  }
  return out;
}

/** Go's strconv.FormatFloat(v, 'e', -1, 64). */
export function formatFloatE(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const [mant, exp] = v.toExponential().split('e') as [string, string];
  const sign = exp.startsWith('-') ? '-' : '+';
  const digits = exp.replace(/^[+-]/, '');
  return `${mant}e${sign}${digits.padStart(2, '0')}`;
}

/** Go's time.Time JSON: RFC 3339 with nanoseconds; 0 is Go's zero time. */
function goTime(ms: number): string {
  if (ms === 0) return '0001-01-01T00:00:00Z';
  return formatRFC3339Nano(BigInt(Math.round(ms)) * 1_000_000n);
}

function labelObject(labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of labels) out[l.name] = l.value;
  return out;
}

function alertJSON(a: Alert): Record<string, unknown> {
  return {
    labels: labelObject(a.labels),
    annotations: labelObject(a.annotations),
    state: a.state,
    activeAt: goTime(a.activeAtMs),
    value: formatFloatE(a.value),
  };
}

function groupsJSON(
  groups: Group[],
  filter: { alerting: boolean; recording: boolean; names: string[]; groups: string[]; files: string[] },
): unknown[] {
  const set = (values: string[]) => (values.length === 0 ? null : new Set(values));
  const names = set(filter.names);
  const groupNames = set(filter.groups);
  const files = set(filter.files);
  const out: Array<{ file: string; json: Record<string, unknown> }> = [];
  for (const g of groups) {
    if (groupNames && !groupNames.has(g.name)) continue;
    if (files && !files.has(g.namespace)) continue;
    const rules: unknown[] = [];
    for (const r of g.rules) {
      if (names && !names.has(r.name)) continue;
      const common = {
        health: r.health,
        lastError: r.lastError ?? '',
      };
      if (r instanceof AlertingRule) {
        if (!filter.alerting) continue;
        rules.push({
          state: r.state(),
          name: r.name,
          query: r.query,
          duration: r.holdMs / 1000,
          labels: labelObject(r.labels),
          annotations: labelObject(r.annotations),
          alerts: r.activeAlerts().map(alertJSON),
          ...common,
          type: 'alerting',
          lastEvaluation: goTime(r.evaluationTimestampMs),
          evaluationTime: r.evaluationDurationMs / 1000,
        });
      } else {
        if (!filter.recording) continue;
        rules.push({
          name: r.name,
          query: r.query,
          labels: labelObject(r.labels),
          ...common,
          type: 'recording',
          lastEvaluation: goTime(r.evaluationTimestampMs),
          evaluationTime: r.evaluationDurationMs / 1000,
        });
      }
    }
    // Prometheus leaves out groups with no rules after filtering.
    if (rules.length === 0) continue;
    out.push({
      file: g.namespace,
      json: {
        name: g.name,
        file: g.namespace,
        rules,
        interval: g.intervalMs / 1000,
        limit: g.limit,
        lastEvaluation: goTime(g.lastEvaluationMs),
        evaluationTime: g.evaluationTimeMs / 1000,
      },
    });
  }
  // A stable sort by file keeps groups of a file in their order, as Go's sort.Slice happens to here.
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)).map((o) => o.json);
}

const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function registerRulerRoutes(router: Router, deps: RulerApiDeps): void {
  /** The request's tenant, namespace and group, or null once a bad one was answered (as Loki, with a 500). */
  const requestOrRespond = (ctx: RequestContext, needNamespace: boolean, needGroup: boolean): ParsedRequest | null => {
    try {
      return parseRequest(ctx, deps, needNamespace, needGroup);
    } catch (err) {
      if (!(err instanceof RequestError)) throw err;
      respondServerError(ctx, err.message);
      return null;
    }
  };

  const listRules = async (ctx: RequestContext): Promise<void> => {
    const pr = requestOrRespond(ctx, false, false);
    if (!pr) return;
    let groups: RuleGroupDesc[];
    try {
      groups = await deps.store.listRuleGroupsForUserAndNamespace(pr.user, pr.namespace);
    } catch (err) {
      return sendError(ctx, 400, errText(err));
    }
    if (groups.length === 0) return sendError(ctx, 404, 'no rule groups found');
    const wanted = parseLabelFilter(ctx.url.searchParams.get('labels'));
    if (wanted.length > 0) groups = filterRuleGroups(groups, wanted);
    sendYaml(ctx, formatNamespacesYaml(groups));
  };

  const getRuleGroup = async (ctx: RequestContext): Promise<void> => {
    const pr = requestOrRespond(ctx, true, true);
    if (!pr) return;
    try {
      sendYaml(ctx, formatRuleGroupYaml(await deps.store.getRuleGroup(pr.user, pr.namespace, pr.group)));
    } catch (err) {
      sendError(ctx, err instanceof GroupNotFoundError ? 404 : 400, errText(err));
    }
  };

  const createRuleGroup = async (ctx: RequestContext): Promise<void> => {
    const pr = requestOrRespond(ctx, true, false);
    if (!pr) return;
    let payload: Buffer;
    try {
      payload = await readBody(ctx, 0);
    } catch (err) {
      return sendError(ctx, 400, errText(err));
    }
    let group: ReturnType<typeof parseRuleGroup>;
    try {
      group = parseRuleGroup(payload.toString('utf8'));
    } catch {
      return sendError(ctx, 400, 'unable to decoded rule group');
    }
    const errors = validateGroups([group]);
    if (errors.length > 0) return sendError(ctx, 400, errors.join(', '));
    const limits = deps.limits(pr.user);
    const maxRules = limits.ruler_max_rules_per_rule_group;
    if (maxRules > 0 && group.rules.length > maxRules) {
      return sendError(
        ctx,
        400,
        `per-user rules per rule group limit (limit: ${maxRules} actual: ${group.rules.length}) exceeded`,
      );
    }
    let existing: RuleGroupDesc[];
    try {
      existing = await deps.store.listRuleGroupsForUserAndNamespace(pr.user, '');
    } catch (err) {
      return sendError(ctx, 500, errText(err));
    }
    const maxGroups = limits.ruler_max_rule_groups_per_tenant;
    // Loki counts the new group on top of the existing ones, even when it replaces one of them.
    if (maxGroups > 0 && existing.length + 1 > maxGroups) {
      return sendError(
        ctx,
        400,
        `per-user rule groups limit (limit: ${maxGroups} actual: ${existing.length + 1}) exceeded`,
      );
    }
    try {
      await deps.store.setRuleGroup(pr.user, pr.namespace, toDesc(pr.user, pr.namespace, group));
    } catch (err) {
      return sendError(ctx, 500, errText(err));
    }
    respondAccepted(ctx);
  };

  const deleteNamespace = async (ctx: RequestContext): Promise<void> => {
    const pr = requestOrRespond(ctx, true, false);
    if (!pr) return;
    try {
      await deps.store.deleteNamespace(pr.user, pr.namespace);
    } catch (err) {
      if (err instanceof NamespaceNotFoundError) return sendError(ctx, 404, err.message);
      return respondServerError(ctx, errText(err));
    }
    respondAccepted(ctx);
  };

  const deleteRuleGroup = async (ctx: RequestContext): Promise<void> => {
    const pr = requestOrRespond(ctx, true, true);
    if (!pr) return;
    try {
      await deps.store.deleteRuleGroup(pr.user, pr.namespace, pr.group);
    } catch (err) {
      if (err instanceof GroupNotFoundError) return sendError(ctx, 404, err.message);
      return respondServerError(ctx, errText(err));
    }
    respondAccepted(ctx);
  };

  const prometheusRules = (ctx: RequestContext): void => {
    const user = resolveTenant(ctx, deps.tenants);
    const q = ctx.url.searchParams;
    const type = (q.get('type') ?? '').toLowerCase();
    if (type !== '' && type !== 'alert' && type !== 'record') {
      respondInvalidRequest(ctx, `not supported value ${JSON.stringify(type)}`);
      return;
    }
    const groups = groupsJSON(deps.groupsOf(user), {
      alerting: type !== 'record',
      recording: type !== 'alert',
      names: q.getAll('rule_name'),
      groups: q.getAll('rule_group'),
      files: q.getAll('file'),
    });
    sendBody(ctx, 200, 'application/json', envelope('success', { groups }));
  };

  const prometheusAlerts = (ctx: RequestContext): void => {
    const user = resolveTenant(ctx, deps.tenants);
    const alerts: unknown[] = [];
    for (const g of deps.groupsOf(user)) {
      for (const r of g.rules)
        if (r instanceof AlertingRule) for (const a of r.activeAlerts()) alerts.push(alertJSON(a));
    }
    sendBody(ctx, 200, 'application/json', envelope('success', { alerts }));
  };

  router.add(['GET'], '/prometheus/api/v1/rules', prometheusRules);
  router.add(['GET'], '/prometheus/api/v1/alerts', prometheusAlerts);
  for (const base of ['/api/prom/rules', '/loki/api/v1/rules']) {
    router.add(['GET'], base, listRules);
    router.add(['GET'], `${base}/{namespace}`, listRules);
    router.add(['POST'], `${base}/{namespace}`, createRuleGroup);
    router.add(['DELETE'], `${base}/{namespace}`, deleteNamespace);
    router.add(['GET'], `${base}/{namespace}/{groupName}`, getRuleGroup);
    router.add(['DELETE'], `${base}/{namespace}/{groupName}`, deleteRuleGroup);
  }
}
