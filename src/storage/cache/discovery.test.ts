import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { parseServerEntry, ServerDiscovery, type ServerEntry, serverEntries } from './discovery.js';
import type { DnsLookup, SrvTarget } from './dns.js';
import { CacheMetrics } from './metrics.js';

/** A DNS whose answers the test sets; a name mapped to an Error fails with it. */
class FakeDns implements DnsLookup {
  readonly connectLookup = undefined;
  hosts = new Map<string, string[] | Error>();
  srv = new Map<string, SrvTarget[] | Error>();
  lookups: string[] = [];

  async lookupHost(host: string): Promise<string[]> {
    this.lookups.push(`A ${host}`);
    const v = this.hosts.get(host) ?? [];
    if (v instanceof Error) throw v;
    return v;
  }

  async lookupSrv(name: string): Promise<SrvTarget[]> {
    this.lookups.push(`SRV ${name}`);
    const v = this.srv.get(name) ?? [];
    if (v instanceof Error) throw v;
    return v;
  }
}

const client = (addresses: string, host = '', service = 'memcached') => ({ addresses, host, service });

function discovery(entries: ServerEntry[], dns: FakeDns, registry?: Registry) {
  const updates: string[][] = [];
  const m = registry ? CacheMetrics.for(registry) : undefined;
  const d = new ServerDiscovery({
    entries,
    dns,
    intervalMs: 0,
    name: 'chunks',
    onUpdate: (s) => updates.push([...s]),
    metrics: m && { lookups: m.dnsLookups, failures: m.dnsFailures, results: m.dnsResults },
  });
  return { d, updates };
}

describe('memcached_client.addresses', () => {
  it('reads each of dskit’s forms', () => {
    assert.deepEqual(serverEntries(client('a:11211, dns+b.svc:11212,[::1]:11213')), [
      { kind: 'static', entry: 'a:11211', address: 'a:11211' },
      { kind: 'dns', entry: 'dns+b.svc:11212', host: 'b.svc', port: 11212 },
      { kind: 'static', entry: '[::1]:11213', address: '[::1]:11213' },
    ]);
    assert.deepEqual(parseServerEntry('dnssrv+_memcached._tcp.mc.svc'), {
      kind: 'dnssrv',
      entry: 'dnssrv+_memcached._tcp.mc.svc',
      name: '_memcached._tcp.mc.svc',
      port: null,
    });
    assert.deepEqual(parseServerEntry('dnssrvnoa+_memcached-client._tcp.loki-chunks-cache.loki.svc:11311'), {
      kind: 'dnssrvnoa',
      entry: 'dnssrvnoa+_memcached-client._tcp.loki-chunks-cache.loki.svc:11311',
      name: '_memcached-client._tcp.loki-chunks-cache.loki.svc',
      port: 11311,
    });
  });

  it('looks up _<service>._tcp.<host> when only memcached_client.host is set', () => {
    assert.deepEqual(serverEntries(client('', 'mc.svc', 'memcache')), [
      {
        kind: 'dnssrvnoa',
        entry: '_memcache._tcp.mc.svc',
        name: '_memcache._tcp.mc.svc',
        port: null,
        emptyIsFailure: true,
      },
    ]);
    assert.deepEqual(serverEntries(client('')), []);
  });

  it('refuses addresses that could never be used', () => {
    assert.throws(() => parseServerEntry('localhost'), /expected host:port/);
    assert.throws(() => parseServerEntry('dns+mc.svc'), /missing port in address given for dns lookup: mc.svc/);
    assert.throws(() => parseServerEntry('dnssrv+'), /no name to look up/);
    assert.throws(() => parseServerEntry('srv+_mc._tcp.x'), /invalid lookup scheme "srv"/);
  });
});

describe('memcached server discovery', () => {
  it('sets a static list at once, without DNS', () => {
    const dns = new FakeDns();
    const { d, updates } = discovery(serverEntries(client('b:2,a:1')), dns);
    d.start();
    assert.deepEqual(updates, [['a:1', 'b:2']]);
    assert.deepEqual(dns.lookups, []);
    assert.equal(d.dynamic, false);
  });

  it('resolves dns+ to every address, dnssrv+ through the targets, dnssrvnoa+ to the target names', async () => {
    const dns = new FakeDns();
    dns.hosts.set('mc.svc', ['10.0.0.2', '10.0.0.1', 'fd00::1']);
    dns.srv.set('_mc._tcp.a.svc', [
      { name: 'a-1.a.svc', port: 11211 },
      { name: 'a-0.a.svc', port: 11212 },
    ]);
    dns.hosts.set('a-0.a.svc', ['10.1.0.0']);
    dns.hosts.set('a-1.a.svc', ['10.1.0.1', '10.1.0.11']);
    dns.srv.set('_mc._tcp.b.svc', [{ name: 'b-0.b.svc', port: 11211 }]);
    const { d, updates } = discovery(
      serverEntries(client('dns+mc.svc:11211,dnssrv+_mc._tcp.a.svc,dnssrvnoa+_mc._tcp.b.svc:9999,static:1')),
      dns,
    );
    await d.refresh();
    assert.deepEqual(updates.at(-1), [
      '10.0.0.1:11211',
      '10.0.0.2:11211',
      '10.1.0.0:11212',
      '10.1.0.11:11211',
      '10.1.0.1:11211',
      '[fd00::1]:11211',
      'b-0.b.svc:9999',
      'static:1',
    ]);
    assert.ok(!dns.lookups.includes('A b-0.b.svc'), 'dnssrvnoa targets are not resolved');
  });

  it('keeps the last good servers of an entry whose lookup fails, and follows changes', async () => {
    const registry = new Registry();
    const dns = new FakeDns();
    dns.srv.set('_mc._tcp.c.svc', [
      { name: 'c-0', port: 1 },
      { name: 'c-1', port: 1 },
    ]);
    const { d, updates } = discovery(serverEntries(client('dnssrvnoa+_mc._tcp.c.svc,dns+x.svc:2')), dns, registry);
    dns.hosts.set('x.svc', ['10.0.0.9']);
    await d.refresh();
    assert.deepEqual(updates.at(-1), ['10.0.0.9:2', 'c-0:1', 'c-1:1']);

    dns.srv.set('_mc._tcp.c.svc', new Error('queryTimeout'));
    dns.hosts.set('x.svc', ['10.0.0.8']);
    await d.refresh();
    assert.deepEqual(updates.at(-1), ['10.0.0.8:2', 'c-0:1', 'c-1:1'], 'the failed entry kept its servers');

    dns.srv.set('_mc._tcp.c.svc', [{ name: 'c-2', port: 1 }]);
    await d.refresh();
    assert.deepEqual(updates.at(-1), ['10.0.0.8:2', 'c-2:1']);

    const text = await registry.metrics();
    assert.match(text, /loki_dns_lookups_total\{name="chunks"\} 6/);
    assert.match(text, /loki_dns_failures_total\{name="chunks"\} 1/);
    assert.match(text, /loki_dns_provider_results\{name="chunks",addr="dnssrvnoa\+_mc._tcp.c.svc"\} 1/);
  });

  it('empties an entry whose name no longer exists (dskit), but not the host/service records', async () => {
    const dns = new FakeDns();
    dns.srv.set('_mc._tcp.gone.svc', [{ name: 'g-0', port: 1 }]);
    dns.srv.set('_memcached._tcp.h.svc', [{ name: 'h-0', port: 2 }]);
    const srvEntry = discovery(serverEntries(client('dnssrvnoa+_mc._tcp.gone.svc')), dns);
    const hostEntry = discovery(serverEntries(client('', 'h.svc')), dns);
    await srvEntry.d.refresh();
    await hostEntry.d.refresh();
    dns.srv.clear();
    await srvEntry.d.refresh();
    await hostEntry.d.refresh();
    assert.deepEqual(srvEntry.updates, [['g-0:1'], []]);
    // Go's LookupSRV fails on a missing name, and Loki keeps its list.
    assert.deepEqual(hostEntry.updates, [['h-0:2'], ['h-0:2']]);
  });

  it('joins a resolution already running instead of starting another', async () => {
    const dns = new FakeDns();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    dns.lookupSrv = async (name) => {
      dns.lookups.push(`SRV ${name}`);
      await gate;
      return [{ name: 'm', port: 1 }];
    };
    const { d, updates } = discovery(serverEntries(client('dnssrvnoa+_mc._tcp.x')), dns);
    const a = d.refresh();
    const b = d.refresh();
    release();
    await Promise.all([a, b]);
    assert.equal(dns.lookups.length, 1);
    assert.deepEqual(updates, [['m:1']]);
  });

  it('resolves again every update_interval until stopped', async () => {
    const dns = new FakeDns();
    dns.srv.set('_mc._tcp.t', [{ name: 't0', port: 1 }]);
    const updates: string[][] = [];
    const d = new ServerDiscovery({
      entries: serverEntries(client('dnssrvnoa+_mc._tcp.t')),
      dns,
      intervalMs: 20,
      name: 't',
      onUpdate: (s) => updates.push([...s]),
    });
    d.start();
    await new Promise((r) => setTimeout(r, 10));
    dns.srv.set('_mc._tcp.t', [{ name: 't1', port: 1 }]);
    const deadline = Date.now() + 2000;
    while (!updates.some((u) => u[0] === 't1:1') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    d.stop();
    assert.deepEqual(updates[0], ['t0:1']);
    assert.ok(
      updates.some((u) => u[0] === 't1:1'),
      JSON.stringify(updates),
    );
    const count = dns.lookups.length;
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(dns.lookups.length, count, 'no lookups after stop');
  });
});
