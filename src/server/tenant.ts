// Tenant resolution from X-Scope-OrgID, with the rules of Loki (dskit's
// tenant package): with auth disabled everything belongs to "fake"; with auth
// enabled the header is required and must be a valid tenant ID.

import type { IncomingMessage } from 'node:http';
import { Messages } from '../messages.js';
import { HttpError } from './http-error.js';
import type { RequestContext } from './router.js';

export const FAKE_TENANT = 'fake';
const MAX_TENANT_ID_LENGTH = 150;
const validChar = /^[a-zA-Z0-9!\-_.*'()]$/;

/** Loki's tenant ID validation; returns the error message or null. */
export function validateTenantId(id: string): string | null {
  if (id.length > MAX_TENANT_ID_LENGTH) return `tenant ID is too long: max ${MAX_TENANT_ID_LENGTH} characters`;
  if (id === '.' || id === '..') return "tenant ID is '.' or '..'";
  for (const ch of id) if (!validChar.test(ch)) return `tenant ID '${id}' contains unsupported character '${ch}'`;
  return null;
}

export interface TenantOptions {
  authEnabled: boolean;
  /** Allow `a|b` tenant lists on query endpoints (multi_tenant_queries_enabled). */
  multiTenantQueries?: boolean;
}

/** The tenants of a request; more than one only for cross-tenant queries. */
export function resolveTenants(ctx: RequestContext, opts: TenantOptions, allowMultiple: boolean): string[] {
  return tenantsOfRequest(ctx.req, opts, allowMultiple);
}

/** The single tenant of a raw request (WebSocket upgrades have no RequestContext). */
export function resolveTenantOf(req: IncomingMessage, opts: TenantOptions): string {
  return tenantsOfRequest(req, opts, false)[0]!;
}

function tenantsOfRequest(req: IncomingMessage, opts: TenantOptions, allowMultiple: boolean): string[] {
  if (!opts.authEnabled) return [FAKE_TENANT];
  const header = req.headers['x-scope-orgid'];
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw) throw new HttpError(401, Messages.noOrgId, true); // from Loki's auth middleware (http.Error)
  const ids = raw.split('|');
  if (ids.length > 1 && !(allowMultiple && opts.multiTenantQueries)) throw new HttpError(400, Messages.multipleOrgIds);
  for (const id of ids) {
    const err = validateTenantId(id);
    if (err) throw new HttpError(400, err);
  }
  return [...new Set(ids)].sort();
}

export function resolveTenant(ctx: RequestContext, opts: TenantOptions): string {
  return resolveTenants(ctx, opts, false)[0]!;
}

/**
 * The tenant of a query: one ID, or with multi_tenant_queries_enabled the
 * sorted IDs of an `a|b` header joined by `|` (see querier/multi-tenant.ts).
 */
export function resolveQueryTenant(ctx: RequestContext, opts: TenantOptions): string {
  return resolveTenants(ctx, opts, true).join('|');
}
