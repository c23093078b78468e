// The headers logcli sends with every request, built in logcli's order so that
// later settings win as they do there: basic auth, User-Agent, tenant, cache
// control, query tags, --header values, then a bearer token.
import { readFileSync } from 'node:fs';
import { VERSION } from '../../version.js';

/** Names Skald's logcli, in the form of logcli's `loki-logcli/<version>`. */
export const USER_AGENT = `skald-logcli/${VERSION}`;

export interface HeaderSettings {
  username: string;
  password: string;
  orgId: string;
  queryTags: string;
  noCache: boolean;
  bearerToken: string;
  bearerTokenFile: string;
  /** --auth-header: the header that carries credentials (default Authorization). */
  authHeader: string;
  /** --header values, `Name: value`. */
  customHeaders: readonly string[];
}

export class HeaderError extends Error {}

/** Go's textproto.CanonicalMIMEHeaderKey, so that a later Set replaces an earlier one. */
function canonical(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

export function requestHeaders(
  s: HeaderSettings,
  readFile: (path: string) => string = readText,
): Record<string, string> {
  const h = new Map<string, string>();
  const set = (name: string, value: string) => h.set(canonical(name), value);
  const authHeader = s.authHeader || 'Authorization';

  if (s.username !== '' && s.password !== '') {
    set(authHeader, `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}`);
  }
  set('User-Agent', USER_AGENT);
  if (s.orgId !== '') set('X-Scope-OrgID', s.orgId);
  if (s.noCache) set('Cache-Control', 'no-cache');
  if (s.queryTags !== '') set('X-Query-Tags', s.queryTags);
  for (const header of s.customHeaders) {
    const colon = header.indexOf(':');
    if (colon < 0) {
      throw new HeaderError(`invalid header format: ${JSON.stringify(header)}. Expected format: 'Header-Name: value'`);
    }
    const name = header.slice(0, colon).trim();
    if (name === '') throw new HeaderError(`header name cannot be empty in header: ${JSON.stringify(header)}`);
    set(name, header.slice(colon + 1).trim());
  }

  if ((s.username !== '' || s.password !== '') && (s.bearerToken !== '' || s.bearerTokenFile !== '')) {
    throw new HeaderError(
      'at most one of HTTP basic auth (username/password), bearer-token & bearer-token-file is allowed to be configured',
    );
  }
  if (s.bearerToken !== '' && s.bearerTokenFile !== '') {
    throw new HeaderError('at most one of the options bearer-token & bearer-token-file is allowed to be configured');
  }
  if (s.bearerToken !== '') set(authHeader, `Bearer ${s.bearerToken}`);
  if (s.bearerTokenFile !== '') {
    let token: string;
    try {
      token = readFile(s.bearerTokenFile).trim();
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(err);
      throw new HeaderError(
        `unable to read authorization credentials file ${s.bearerTokenFile}: open ${s.bearerTokenFile}: ${reason}`,
      );
    }
    set(authHeader, `Bearer ${token}`);
  }
  return Object.fromEntries(h);
}

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
