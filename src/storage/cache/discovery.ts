// Memcached server discovery as Loki's memcached client does it with dskit's
// DNS provider. `memcached_client.addresses` is a comma-separated list whose
// entries are
//   host:port                    used as it is
//   dns+host:port                every A/AAAA address of host, with port
//   dnssrv+_svc._proto.name      the SRV targets, each resolved to its addresses, with the SRV ports
//   dnssrvnoa+_svc._proto.name   the SRV targets as host names (not resolved), with the SRV ports
// (an explicit `:port` on an SRV entry replaces the records' ports). Without
// addresses, `memcached_client.host` and `service` name the SRV records
// `_<service>._tcp.<host>`, whose targets are used as host names.
//
// The list is resolved again every `update_interval`. A lookup that fails
// keeps that entry's last good result (dskit's provider), so a DNS outage
// never empties a working server list; a name that does not exist resolves
// to nothing, as in dskit. The servers are handed on sorted, so that every
// process hashes a key to the same server.
import type { Counter, Gauge } from 'prom-client';
import type { Logger } from '../../util/log.js';
import type { DnsLookup } from './dns.js';
import { parseAddress } from './memcached-client.js';

export type ServerEntry =
  | { kind: 'static'; entry: string; address: string }
  | { kind: 'dns'; entry: string; host: string; port: number }
  | {
      kind: 'dnssrv' | 'dnssrvnoa';
      entry: string;
      name: string;
      /** Replaces the SRV records' ports when given. */
      port: number | null;
      /** `memcached_client.host`: no records is a failure (Go's LookupSRV errors), so the last list stays. */
      emptyIsFailure?: boolean;
    };

/** `host:port` with a bracketed IPv6 host. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Splits an SRV entry's name from an optional trailing `:port`. */
function srvNameAndPort(rest: string): { name: string; port: number | null } {
  const m = /^(.*):(\d+)$/.exec(rest);
  return m ? { name: m[1]!, port: Number(m[2]) } : { name: rest, port: null };
}

/** One `addresses` entry; throws on a form Loki would refuse or could never connect to. */
export function parseServerEntry(entry: string): ServerEntry {
  const plus = entry.indexOf('+');
  const qtype = plus < 0 ? '' : entry.slice(0, plus);
  const rest = plus < 0 ? entry : entry.slice(plus + 1);
  switch (qtype) {
    case '':
      parseAddress(entry);
      return { kind: 'static', entry, address: entry };
    case 'dns': {
      let parsed: { host: string; port: number };
      try {
        parsed = parseAddress(rest);
      } catch {
        throw new Error(`missing port in address given for dns lookup: ${rest}`);
      }
      return { kind: 'dns', entry, ...parsed };
    }
    case 'dnssrv':
    case 'dnssrvnoa': {
      const { name, port } = srvNameAndPort(rest);
      if (name === '') throw new Error(`invalid memcached address ${JSON.stringify(entry)}: no name to look up`);
      return { kind: qtype, entry, name, port };
    }
    default:
      throw new Error(`invalid lookup scheme "${qtype}" in memcached address ${JSON.stringify(entry)}`);
  }
}

export interface MemcachedAddressConfig {
  host: string;
  service: string;
  addresses: string;
}

/** The entries of a memcached_client block: its addresses, else the SRV records of host and service. */
export function serverEntries(client: MemcachedAddressConfig): ServerEntry[] {
  const entries = client.addresses
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  if (entries.length > 0) return entries.map(parseServerEntry);
  if (client.host === '') return [];
  const name = `_${client.service}._tcp.${client.host}`;
  return [{ kind: 'dnssrvnoa', entry: name, name, port: null, emptyIsFailure: true }];
}

export interface DiscoveryMetrics {
  lookups: Counter<'name'>;
  failures: Counter<'name'>;
  results: Gauge<'name' | 'addr'>;
}

export interface ServerDiscoveryOptions {
  entries: readonly ServerEntry[];
  dns: DnsLookup;
  /** memcached_client.update_interval */
  intervalMs: number;
  /** Called with the sorted server list after every resolution. */
  onUpdate: (servers: readonly string[]) => void;
  /** The memcached client's name (Loki: the cache prefix), the `name` label of the DNS metrics. */
  name: string;
  logger?: Logger;
  metrics?: DiscoveryMetrics;
}

export class ServerDiscovery {
  /** The last good result of each entry. */
  private readonly resolved = new Map<ServerEntry, string[]>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly opts: ServerDiscoveryOptions) {}

  /** Whether some entry needs DNS (a static list is set once and never looked up again). */
  get dynamic(): boolean {
    return this.opts.entries.some((e) => e.kind !== 'static');
  }

  /** The servers of the last resolution, sorted and without duplicates. */
  get servers(): string[] {
    return [...new Set([...this.resolved.values()].flat())].sort();
  }

  /** Resolves now, then every interval while DNS entries exist. The first resolution is not awaited. */
  start(): void {
    if (!this.dynamic) {
      for (const e of this.opts.entries) if (e.kind === 'static') this.resolved.set(e, [e.address]);
      this.opts.onUpdate(this.servers);
      return;
    }
    void this.refresh();
    if (this.opts.intervalMs > 0) {
      this.timer = setInterval(() => void this.refresh(), this.opts.intervalMs);
      this.timer.unref();
    }
  }

  /** Resolves every entry once; a resolution already running is joined, not repeated. */
  refresh(): Promise<void> {
    this.running ??= this.resolveAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async resolveAll(): Promise<void> {
    const results = await Promise.all(this.opts.entries.map((e) => this.resolveEntry(e)));
    if (this.stopped) return;
    this.opts.entries.forEach((e, i) => {
      const r = results[i];
      // undefined: the lookup failed; the entry keeps what it had.
      if (r !== undefined) this.resolved.set(e, r);
      this.opts.metrics?.results.set({ name: this.opts.name, addr: e.entry }, this.resolved.get(e)?.length ?? 0);
    });
    this.opts.onUpdate(this.servers);
  }

  private async resolveEntry(e: ServerEntry): Promise<string[] | undefined> {
    if (e.kind === 'static') return [e.address];
    const { dns, metrics, logger, name } = this.opts;
    metrics?.lookups.inc({ name });
    try {
      if (e.kind === 'dns') return (await dns.lookupHost(e.host)).map((ip) => joinHostPort(ip, e.port));
      const records = await dns.lookupSrv(e.name);
      if (records.length === 0) {
        if (e.emptyIsFailure) throw new Error(`no SRV records for ${e.name}`);
        logger?.warn('memcached discovery: no SRV records found', { name: e.name });
        return [];
      }
      const out: string[] = [];
      for (const r of records) {
        const port = e.port ?? r.port;
        if (e.kind === 'dnssrvnoa') out.push(joinHostPort(r.name, port));
        else for (const ip of await dns.lookupHost(r.name)) out.push(joinHostPort(ip, port));
      }
      return out;
    } catch (err) {
      metrics?.failures.inc({ name });
      logger?.warn('memcached discovery: DNS lookup failed; keeping the servers found before', {
        address: e.entry,
        err,
      });
      return undefined;
    }
  }
}
