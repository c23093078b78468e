// Status pages: `/ring` (dskit's ring page: an HTML table, or JSON when the
// client accepts application/json, and a Forget button that removes an
// instance) and `/memberlist` (this process's view of the gossip cluster).
import { readForm } from '../server/body.js';
import { sendBody, sendError, sendJSON } from '../server/respond.js';
import type { RequestContext, Router } from '../server/router.js';
import type { RingKV } from './kv.js';
import type { MemberlistKV } from './memberlist.js';
import { cloneRing, countOwnedTokens } from './model.js';
import { isHealthy, Reporting } from './ring.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Go's JSON form of a time at whole seconds (dskit keeps seconds), UTC. */
function goTime(ms: number): string {
  if (ms <= 0) return ZERO_TIME;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Go's Duration.String() of a duration truncated to seconds. */
function goDuration(ms: number): string {
  let s = Math.max(0, Math.floor(ms / 1000));
  if (s === 0) return '0s';
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** Go's "15:04:05.999" layout. */
function clockTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const frac = pad(d.getUTCMilliseconds(), 3).replace(/0+$/, '');
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac ? `.${frac}` : ''}`;
}

function wantsJSON(ctx: RequestContext): boolean {
  const accept = ctx.req.headers.accept;
  return typeof accept === 'string' && accept.includes('application/json');
}

export interface RingPageDeps {
  kv: RingKV;
  ringKey: string;
  heartbeatTimeoutMs: number;
  now?: () => number;
}

/** Serves dskit's ring status page at `path`. */
export function registerRingPage(router: Router, path: string, deps: RingPageDeps): void {
  router.add(['GET', 'POST'], path, async (ctx) => {
    if (ctx.req.method === 'POST') {
      const id = (await readForm(ctx)).get('forget') ?? '';
      try {
        await deps.kv.cas(deps.ringKey, (cur) => {
          if (!cur) throw new Error('found empty ring when trying to unregister');
          const d = cloneRing(cur);
          d.ingesters.delete(id);
          return d;
        });
      } catch (err) {
        sendError(ctx, 500, `error forgetting instance '${id}': ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      // Post/Redirect/Get, with a relative location as dskit writes it.
      ctx.res.setHeader('Location', '#');
      ctx.res.statusCode = 302;
      ctx.res.end();
      return;
    }
    const now = (deps.now ?? Date.now)();
    const ring = deps.kv.get(deps.ringKey) ?? { ingesters: new Map() };
    const owned = countOwnedTokens(ring);
    const shards = [...ring.ingesters.values()]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((ing) => ({
        id: ing.id,
        state: isHealthy(ing, Reporting, deps.heartbeatTimeoutMs, now) ? ing.state : 'UNHEALTHY',
        address: ing.addr,
        timestamp: goTime(ing.timestamp),
        registered_timestamp: goTime(ing.registeredTimestamp),
        read_only: false,
        read_only_updated_timestamp: ZERO_TIME,
        zone: ing.zone,
        tokens: ing.tokens,
        heartbeatMs: ing.timestamp,
        registeredMs: ing.registeredTimestamp,
        ownership: ((owned.get(ing.id) ?? 0) / 0xffffffff) * 100,
      }));
    if (wantsJSON(ctx)) {
      sendJSON(ctx, {
        shards: shards.map(({ heartbeatMs: _h, registeredMs: _r, ownership: _o, ...s }) => s),
        now: new Date(now).toISOString(),
      });
      return;
    }
    const showTokens = ctx.url.searchParams.get('tokens') === 'true';
    const rows = shards
      .map(
        (s, i) => `${i % 2 === 0 ? '<tr>' : '<tr bgcolor="#BEBEBE">'}
            <td>${escapeHtml(s.id)}</td>
            <td>${escapeHtml(s.zone)}</td>
            <td>${s.state}</td>
            <td>${escapeHtml(s.address)}</td>
            <td>${s.registeredMs > 0 ? s.registered_timestamp : ''}</td>
            <td>false</td>
            <td></td>
            <td>${goDuration(now - s.heartbeatMs)} ago (${clockTime(s.heartbeatMs)})</td>
            <td>${s.tokens.length}</td>
            <td>${s.ownership.toPrecision(3).replace(/\.?0+$/, '')}%</td>
            <td>
                <button name="forget" value="${escapeHtml(s.id)}" type="submit">Forget</button>
            </td>
            </tr>`,
      )
      .join('\n');
    const tokens = showTokens
      ? shards.map((s) => `<h2>Instance: ${escapeHtml(s.id)}</h2>\n<p>\n  Tokens:<br/>\n  ${s.tokens.join(' ')}\n</p>`)
      : [];
    const html = `<!DOCTYPE html>
<html>
<head>
    <meta charset="UTF-8">
    <title>Ring Status</title>
</head>
<body>
<h1>Ring Status</h1>
<p>Current time: ${new Date(now).toISOString()}</p>
<form action="" method="POST">
    <table width="100%" border="1">
        <thead>
        <tr>
            <th>Instance ID</th>
            <th>Availability Zone</th>
            <th>State</th>
            <th>Address</th>
            <th>Registered At</th>
            <th>Read-Only</th>
            <th>Read-Only Updated</th>
            <th>Last Heartbeat</th>
            <th>Tokens</th>
            <th>Ownership</th>
            <th>Actions</th>
        </tr>
        </thead>
        <tbody>
        ${rows}
        </tbody>
    </table>
    <br>
    ${
      showTokens
        ? `<input type="button" value="Hide Tokens" onclick="window.location.href = '?tokens=false' "/>`
        : `<input type="button" value="Show Tokens" onclick="window.location.href = '?tokens=true'"/>`
    }
    ${tokens.join('\n')}
</form>
</body>
</html>
`;
    sendBody(ctx, 200, 'text/html', html);
  });
}

/** Serves the gossip cluster's status at /memberlist. */
export function registerMemberlistPage(router: Router, kv: MemberlistKV): void {
  router.add(['GET'], '/memberlist', (ctx) => {
    const now = Date.now();
    const members = kv.memberList();
    const keys = kv.keys();
    if (wantsJSON(ctx)) {
      sendJSON(ctx, {
        node_name: kv.name,
        advertise_address: kv.advertise,
        members: members.map((m) => ({ name: m.name, address: m.addr, state: m.state })),
        store: keys,
        now: new Date(now).toISOString(),
      });
      return;
    }
    const memberRows = members
      .map(
        (m) =>
          `<tr><td>${escapeHtml(m.name)}</td><td>${escapeHtml(m.addr)}</td><td>${m.state}</td><td>${
            m.state === 'self' ? '' : `${goDuration(now - m.lastSeenMs)} ago`
          }</td></tr>`,
      )
      .join('\n');
    const keyRows = keys.map((k) => `<tr><td>${escapeHtml(k.key)}</td><td>${k.instances}</td></tr>`).join('\n');
    sendBody(
      ctx,
      200,
      'text/html',
      `<!DOCTYPE html>
<html>
<head>
    <meta charset="UTF-8">
    <title>Memberlist Status</title>
</head>
<body>
<h1>Memberlist Status</h1>
<p>Current time: ${new Date(now).toISOString()}</p>
<p>Node: ${escapeHtml(kv.name)} (${escapeHtml(kv.advertise)})</p>
<h2>KV Store</h2>
<table width="100%" border="1">
<thead><tr><th>Key</th><th>Entries</th></tr></thead>
<tbody>
${keyRows}
</tbody>
</table>
<h2>Memberlist Cluster Members</h2>
<table width="100%" border="1">
<thead><tr><th>Name</th><th>Address</th><th>State</th><th>Last Heard</th></tr></thead>
<tbody>
${memberRows}
</tbody>
</table>
</body>
</html>
`,
    );
  });
}
