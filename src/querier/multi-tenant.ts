// Cross-tenant queries (`X-Scope-OrgID: a|b` with multi_tenant_queries_enabled):
// each tenant is read on its own and its streams get a `__tenant_id__` label,
// and matchers on `__tenant_id__` pick tenants instead of streams, as in Loki.
import { type Label, type Labels, labelsToString } from '../util/labels.js';
import type { CompiledMatcher } from '../util/matchers.js';

export const TENANT_LABEL = '__tenant_id__';
/** What joins the tenants of a cross-tenant query (the header's own separator). */
export const TENANT_SEPARATOR = '|';

export function tenantIds(tenant: string): string[] {
  return tenant.split(TENANT_SEPARATOR);
}

export function isMultiTenant(tenant: string): boolean {
  return tenant.includes(TENANT_SEPARATOR);
}

export interface TenantSelection {
  tenant: string;
  matchers: readonly CompiledMatcher[];
}

/**
 * The tenants a selector reaches and the matchers to apply inside each. A
 * single-tenant query is passed through untouched; in a cross-tenant one the
 * `__tenant_id__` matchers are tested against the tenant IDs and removed.
 */
export function selectTenants(tenant: string, matchers: readonly CompiledMatcher[]): TenantSelection[] {
  if (!isMultiTenant(tenant)) return [{ tenant, matchers }];
  const onTenant = matchers.filter((m) => m.name === TENANT_LABEL);
  const rest = onTenant.length > 0 ? matchers.filter((m) => m.name !== TENANT_LABEL) : matchers;
  const out: TenantSelection[] = [];
  for (const id of tenantIds(tenant))
    if (onTenant.every((m) => m.matches(id))) out.push({ tenant: id, matchers: rest });
  return out;
}

/** The labels with `__tenant_id__` added in label order. */
export function withTenantLabel(labels: Labels, tenant: string): Label[] {
  const out: Label[] = [];
  let added = false;
  for (const l of labels) {
    if (!added && l.name > TENANT_LABEL) {
      out.push({ name: TENANT_LABEL, value: tenant });
      added = true;
    }
    if (l.name !== TENANT_LABEL) out.push(l);
  }
  if (!added) out.push({ name: TENANT_LABEL, value: tenant });
  return out;
}

/** Labels and their canonical key as a cross-tenant query shows them. */
export function tenantLabelled(labels: Labels, tenant: string): { labels: Label[]; key: string } {
  const l = withTenantLabel(labels, tenant);
  return { labels: l, key: labelsToString(l) };
}
