// A real DNS server for tests: Debian's dnsmasq (package dnsmasq-base,
// installed with apt-get when missing) on 127.0.0.1 and a random port, UDP
// and TCP, answering only the A, AAAA and SRV records the test gives it and
// NXDOMAIN for every other name (it forwards nothing and reads no hosts or
// resolv.conf file). Records can be replaced while it runs (dnsmasq is
// restarted on the same port), which is how tests prove that DNS discovery
// follows changes.
import { Resolver } from 'node:dns/promises';
import { Daemon } from './daemon.js';
import { ensurePackageBinary, freeLoopbackPort } from './service-process.js';

export interface DnsTestRecords {
  /** Address records: each name with its IPv4 and/or IPv6 addresses. */
  hosts?: ReadonlyArray<{ name: string; addresses: readonly string[] }>;
  /** SRV records: `name` is the full owner name, e.g. `_memcached._tcp.cache.test`. */
  srv?: ReadonlyArray<{ name: string; target: string; port: number; priority?: number; weight?: number }>;
}

export interface DnsTestServer {
  /** `127.0.0.1:<port>`: what Resolver.setServers and SKALD_DNS_SERVER take. */
  readonly address: string;
  readonly port: number;
  /** Replaces every record (dnsmasq restarts on the same port; lookups meanwhile may fail). */
  setRecords(records: DnsTestRecords): Promise<void>;
  /** Stops answering until `resume` (lookups time out or are refused), records kept. */
  halt(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  /** What dnsmasq wrote. */
  logs(): string;
}

const DNSMASQ = '/usr/sbin/dnsmasq';

function recordArgs(records: DnsTestRecords): string[] {
  const args: string[] = [];
  for (const h of records.hosts ?? []) {
    // One --host-record per address: dnsmasq answers with all of them.
    for (const a of h.addresses) args.push(`--host-record=${h.name},${a}`);
  }
  for (const s of records.srv ?? []) {
    args.push(`--srv-host=${s.name},${s.target},${s.port},${s.priority ?? 0},${s.weight ?? 0}`);
  }
  return args;
}

/** Starts dnsmasq serving `records`; stop it when the test is done. */
export async function startDnsServer(records: DnsTestRecords = {}): Promise<DnsTestServer> {
  const binary = await ensurePackageBinary(DNSMASQ, 'dnsmasq-base');
  let current = records;
  const daemon = new Daemon('dnsmasq', binary);
  let port = 0;

  const answering = async (): Promise<boolean> => {
    const r = new Resolver({ timeout: 200, tries: 1 });
    r.setServers([`127.0.0.1:${port}`]);
    try {
      await r.resolve4('skald-dns-readiness.invalid');
      return true;
    } catch (err) {
      // NXDOMAIN is an answer: the server is up.
      return (err as { code?: string }).code === 'ENOTFOUND';
    }
  };

  const launch = async (): Promise<void> => {
    const args = [
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      '--no-resolv',
      '--no-hosts',
      '--no-poll',
      '--pid-file=',
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      `--port=${port}`,
      // Every name is local: unknown names are NXDOMAIN, never forwarded or refused.
      '--local=/#/',
      '--cache-size=0',
      '--log-facility=-',
      ...recordArgs(current),
    ];
    // dnsmasq drops root privileges to `nobody` unless told to stay.
    if (process.getuid?.() === 0) args.push('--user=root');
    await daemon.start(args, answering, `answer on port ${port}`);
  };

  const halt = (): Promise<void> => daemon.stop();

  // The free TCP port may be taken for UDP; try a few.
  for (let attempt = 0; ; attempt++) {
    port = await freeLoopbackPort();
    try {
      await launch();
      break;
    } catch (err) {
      await halt();
      if (attempt >= 4) throw err;
    }
  }

  return {
    address: `127.0.0.1:${port}`,
    port,
    async setRecords(records) {
      current = records;
      await halt();
      await launch();
    },
    halt,
    async resume() {
      if (!daemon.running) await launch();
    },
    stop: halt,
    logs: () => daemon.output,
  };
}
