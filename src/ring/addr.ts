// Addresses: which IP this instance advertises in the ring (dskit's
// GetInstanceAddr: the configured address, else the first usable address of
// the listed network interfaces), and the gossip peers `join_members` names
// (IPs, host names resolved to all their addresses, and dskit's `dns+`,
// `dnssrv+` and `dnssrvnoa+` service discovery forms).
import { lookup, resolveSrv } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

function isLinkLocal(address: string, family: string): boolean {
  return family === 'IPv4' ? address.startsWith('169.254.') : address.toLowerCase().startsWith('fe80:');
}

/**
 * The first address of the named interfaces, in their order: IPv4 unless
 * `inet6` allows IPv6 too; a link-local address is used only when no other
 * one is found. Returns null when none of the interfaces has an address.
 */
export function firstAddressOf(names: readonly string[], inet6: boolean): string | null {
  const all = networkInterfaces();
  let fallback: string | null = null;
  for (const name of names) {
    for (const a of all[name] ?? []) {
      if (a.family !== 'IPv4' && !(inet6 && a.family === 'IPv6')) continue;
      if (isLinkLocal(a.address, a.family)) {
        fallback ??= a.address;
        continue;
      }
      return a.address;
    }
  }
  return fallback;
}

/** The configured address, else the first address of the interfaces; throws as Loki fails at start-up. */
export function instanceAddr(configured: string, interfaces: readonly string[], inet6: boolean): string {
  if (configured !== '') return configured;
  const found = firstAddressOf(interfaces, inet6);
  if (!found) throw new Error(`no useable address found for interfaces [${interfaces.join(' ')}]`);
  return found;
}

/** `host:port`, with brackets around an IPv6 host. */
export function joinHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Splits `host[:port]` (`[v6]:port` too); the port is `defaultPort` when absent. */
export function splitHostPort(s: string, defaultPort: number): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : defaultPort };
  if (isIP(s) === 6) return { host: s, port: defaultPort };
  const i = s.lastIndexOf(':');
  if (i > 0 && /^\d+$/.test(s.slice(i + 1))) return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
  return { host: s, port: defaultPort };
}

async function addressesOf(host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  const found = await lookup(host, { all: true });
  return found.map((a) => a.address);
}

/**
 * Resolves `join_members` entries to `host:port` peers. Entries that cannot
 * be resolved are reported through `onError` and skipped (they may resolve
 * on a later attempt).
 */
export async function resolveJoinMembers(
  entries: readonly string[],
  defaultPort: number,
  onError: (entry: string, err: unknown) => void,
): Promise<string[]> {
  const out = new Set<string>();
  await Promise.all(
    entries.map(async (entry) => {
      try {
        if (entry.startsWith('dnssrv+') || entry.startsWith('dnssrvnoa+')) {
          const noA = entry.startsWith('dnssrvnoa+');
          const name = entry.slice(entry.indexOf('+') + 1);
          for (const srv of await resolveSrv(name)) {
            if (noA) out.add(joinHostPort(srv.name, srv.port));
            else for (const a of await addressesOf(srv.name)) out.add(joinHostPort(a, srv.port));
          }
          return;
        }
        const plain = entry.startsWith('dns+') ? entry.slice(4) : entry;
        const { host, port } = splitHostPort(plain, defaultPort);
        for (const a of await addressesOf(host)) out.add(joinHostPort(a, port));
      } catch (err) {
        onError(entry, err);
      }
    }),
  );
  return [...out];
}
