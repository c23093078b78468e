// DNS lookups for cache server discovery, with the semantics dskit's Go
// resolver gives Loki: names are tried with the search domains of
// /etc/resolv.conf (`search`, `domain`, `options ndots:N`), so that a
// Kubernetes service name such as `_memcached-client._tcp.cache.loki.svc`
// resolves as it does for Loki. node:dns's resolve* functions never apply the
// search list (c-ares is asked for the literal name), hence the candidates
// are built here.
//
// SKALD_DNS_SERVER (`ip:port`, or several separated by commas) points every
// cache lookup, and the connections to host names the lookups return, at
// that DNS server instead of the system's. It exists for end-to-end tests,
// which serve their records from a DNS server on a loopback port; it is read
// in dnsFromEnvironment only.
import { Resolver, lookup as systemLookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { isIP, type LookupFunction } from 'node:net';

export interface SrvTarget {
  /** The target host name, without a trailing dot. */
  name: string;
  port: number;
}

/**
 * The lookups discovery needs. A name that does not exist (NXDOMAIN) or has
 * no record of the type asked yields an empty list, as dskit treats it; any
 * other failure (timeout, refused, server failure) throws.
 */
export interface DnsLookup {
  /** Every IPv4 and IPv6 address of a host name. */
  lookupHost(host: string): Promise<string[]>;
  /** The SRV records of a name (priority and weight are ignored, as Loki ignores them). */
  lookupSrv(name: string): Promise<SrvTarget[]>;
  /** How connections resolve host names: undefined for the system's own lookup. */
  readonly connectLookup: LookupFunction | undefined;
}

export interface ResolvConf {
  search: string[];
  ndots: number;
}

/** The search list and ndots of a resolv.conf text (the last `search` or `domain` line wins, as in glibc). */
export function parseResolvConf(text: string): ResolvConf {
  let search: string[] = [];
  let ndots = 1;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [word, ...rest] = line.split(/\s+/);
    if (word === 'search') search = rest.filter((d) => d !== '' && d !== '.');
    else if (word === 'domain' && rest[0]) search = [rest[0]];
    else if (word === 'options') {
      for (const opt of rest) {
        const m = /^ndots:(\d+)$/.exec(opt);
        if (m) ndots = Math.min(Number(m[1]), 15);
      }
    }
  }
  return { search: search.map((d) => d.replace(/\.$/, '')), ndots };
}

/**
 * The names to try for `name`, in order (Go's dnsConfig.nameList): a rooted
 * name as it is; a name with at least `ndots` dots first as it is, then with
 * each search domain; a shorter one with the search domains first.
 */
export function candidateNames(name: string, conf: ResolvConf): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const dots = name.split('.').length - 1;
  const searched = conf.search.map((d) => `${name}.${d}`);
  return dots >= conf.ndots ? [name, ...searched] : [...searched, name];
}

const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'NODATA']);

function isNotFound(err: unknown): boolean {
  return NOT_FOUND.has((err as { code?: string }).code ?? '');
}

/**
 * Runs `query` on each candidate name until one answers with records. All
 * candidates not found: empty. Otherwise the last real failure is thrown, as
 * Go's resolver does after trying every name.
 */
async function searchNames<T>(name: string, conf: ResolvConf, query: (n: string) => Promise<T[]>): Promise<T[]> {
  let failure: unknown;
  for (const candidate of candidateNames(name, conf)) {
    try {
      const found = await query(candidate);
      if (found.length > 0) return found;
    } catch (err) {
      if (!isNotFound(err)) failure = err;
    }
  }
  if (failure !== undefined) throw failure;
  return [];
}

export interface SystemDnsOptions {
  /** DNS servers (`ip`, `ip:port`, `[ip6]:port`); absent: the system's. */
  servers?: readonly string[];
  /** Search list and ndots; absent: read from /etc/resolv.conf. */
  resolvConf?: ResolvConf;
  /** Per-query timeout in ms (node:dns's default is 5 s with retries). */
  timeoutMs?: number;
}

function readResolvConf(): ResolvConf {
  try {
    return parseResolvConf(readFileSync('/etc/resolv.conf', 'utf8'));
  } catch {
    return { search: [], ndots: 1 };
  }
}

/** DnsLookup over node:dns/promises. */
export class SystemDns implements DnsLookup {
  private readonly resolver: Resolver;
  private readonly conf: ResolvConf;
  /** With explicit servers, host names are resolved there too (the system lookup would not know them). */
  private readonly custom: boolean;
  readonly connectLookup: LookupFunction | undefined;

  constructor(opts: SystemDnsOptions = {}) {
    this.resolver = new Resolver({ timeout: opts.timeoutMs ?? 2000, tries: 2 });
    this.custom = (opts.servers?.length ?? 0) > 0;
    if (this.custom) this.resolver.setServers([...opts.servers!]);
    this.conf = opts.resolvConf ?? readResolvConf();
    this.connectLookup = this.custom ? this.netLookup() : undefined;
  }

  async lookupHost(host: string): Promise<string[]> {
    if (isIP(host)) return [host];
    if (!this.custom) {
      // getaddrinfo: /etc/hosts, nsswitch and the search list, as a connection resolves the name.
      try {
        return (await systemLookup(host, { all: true, verbatim: true })).map((a) => a.address);
      } catch (err) {
        if (isNotFound(err) || (err as { code?: string }).code === 'EAI_NONAME') return [];
        throw err;
      }
    }
    return searchNames(host, this.conf, async (n) => {
      // Go's LookupIPAddr asks for A and AAAA together; one type missing is not a failure.
      const [v4, v6] = await Promise.allSettled([this.resolver.resolve4(n), this.resolver.resolve6(n)]);
      const found = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
      if (found.length > 0) return found;
      const failed = [v4, v6].find((r): r is PromiseRejectedResult => r.status === 'rejected' && !isNotFound(r.reason));
      if (failed) throw failed.reason;
      return [];
    });
  }

  async lookupSrv(name: string): Promise<SrvTarget[]> {
    return searchNames(name, this.conf, async (n) =>
      (await this.resolver.resolveSrv(n)).map((r) => ({ name: r.name.replace(/\.$/, ''), port: r.port })),
    );
  }

  /** A net.connect `lookup` that asks lookupHost (for the servers given instead of the system's). */
  private netLookup(): LookupFunction {
    return (hostname, options, callback) => {
      this.lookupHost(hostname).then(
        (addresses) => {
          const all = addresses.map((address) => ({ address, family: isIP(address) }));
          const wanted = options.family ? all.filter((a) => a.family === options.family) : all;
          if (wanted.length === 0) {
            const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
              code: 'ENOTFOUND',
              hostname,
            });
            callback(err, '', 0);
            return;
          }
          // net.connect asks for every address (`all`) when it may try several families.
          if (options.all) (callback as unknown as (e: null, a: typeof wanted) => void)(null, wanted);
          else callback(null, wanted[0]!.address, wanted[0]!.family);
        },
        (err: NodeJS.ErrnoException) => callback(err, '', 0),
      );
    };
  }
}

/** `SKALD_DNS_SERVER` as node:dns server strings; empty when unset. */
export function dnsServersFromEnvironment(env: NodeJS.ProcessEnv = process.env): string[] {
  const value = env.SKALD_DNS_SERVER?.trim() ?? '';
  if (value === '') return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

let shared: DnsLookup | undefined;

/** The process's DnsLookup: the system's resolver, or the servers named by SKALD_DNS_SERVER. */
export function dnsFromEnvironment(): DnsLookup {
  shared ??= new SystemDns({ servers: dnsServersFromEnvironment() });
  return shared;
}
