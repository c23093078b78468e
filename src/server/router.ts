// A small router over node:http with Loki's (Go net/http + gorilla/mux)
// behaviour at the edges: an unknown path is 404 "404 page not found", a known
// path with the wrong method is 405 with an empty body.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Handler = (ctx: RequestContext) => Promise<void> | void;

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** Path parameters, e.g. `name` of /loki/api/v1/label/{name}/values. */
  readonly pathParams: Readonly<Record<string, string>>;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  /** Route name for metrics, e.g. loki_api_v1_push. */
  readonly route: string;
}

interface Route {
  methods: Set<string>;
  segments: string[];
  prefix: boolean;
  handler: Handler;
  name: string;
}

export interface Match {
  handler: Handler;
  params: Record<string, string>;
  name: string;
}

/** `/loki/api/v1/label/{name}/values` -> loki_api_v1_label_name_values (Loki's metric route names). */
export function routeName(pattern: string): string {
  return pattern
    .replace(/[{}]/g, '')
    .replace(/\*$/, '')
    .replace(/[^a-zA-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export class Router {
  private readonly routes: Route[] = [];

  /**
   * Adds a route. Patterns are literal segments and `{param}` segments; a
   * trailing `*` matches any rest of the path (prefix routes, e.g. /ui/*).
   */
  add(methods: string[], pattern: string, handler: Handler): void {
    const prefix = pattern.endsWith('*');
    const path = prefix ? pattern.slice(0, -1) : pattern;
    this.routes.push({
      methods: new Set(methods),
      segments: path.split('/').filter(Boolean),
      prefix,
      handler,
      name: routeName(pattern),
    });
  }

  /** The handler for a request, or the status (404/405) to answer with. */
  match(method: string, pathname: string): Match | 404 | 405 {
    const parts = pathname.split('/').filter(Boolean);
    let methodMismatch = false;
    for (const r of this.routes) {
      const params = matchSegments(r, parts);
      if (!params) continue;
      if (!r.methods.has(method) && !(method === 'HEAD' && r.methods.has('GET'))) {
        methodMismatch = true;
        continue;
      }
      return { handler: r.handler, params, name: r.name };
    }
    return methodMismatch ? 405 : 404;
  }
}

function matchSegments(r: Route, parts: string[]): Record<string, string> | null {
  if (r.prefix ? parts.length < r.segments.length : parts.length !== r.segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < r.segments.length; i++) {
    const seg = r.segments[i]!;
    const part = parts[i]!;
    if (seg.startsWith('{') && seg.endsWith('}')) {
      try {
        params[seg.slice(1, -1)] = decodeURIComponent(part);
      } catch {
        return null;
      }
    } else if (seg !== part) {
      return null;
    }
  }
  return params;
}
