import assert from 'node:assert/strict';
import { type AddressInfo, connect, createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type DnsTestServer, startDnsServer } from '../../testing/dns-server.js';
import { candidateNames, dnsServersFromEnvironment, parseResolvConf, SystemDns } from './dns.js';

describe('resolv.conf search list', () => {
  it('reads search, domain and ndots as glibc does', () => {
    const conf = parseResolvConf(
      'nameserver 10.0.0.10\nsearch loki.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5 timeout:2 # k8s\n',
    );
    assert.deepEqual(conf, { search: ['loki.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], ndots: 5 });
    assert.deepEqual(parseResolvConf('domain example.org.\n'), { search: ['example.org'], ndots: 1 });
    assert.deepEqual(parseResolvConf(''), { search: [], ndots: 1 });
  });

  it('tries the search domains first for names with fewer dots than ndots, as Go does', () => {
    const k8s = { search: ['loki.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], ndots: 5 };
    assert.deepEqual(candidateNames('_memcached-client._tcp.loki-chunks-cache.loki.svc', k8s), [
      '_memcached-client._tcp.loki-chunks-cache.loki.svc.loki.svc.cluster.local',
      '_memcached-client._tcp.loki-chunks-cache.loki.svc.svc.cluster.local',
      '_memcached-client._tcp.loki-chunks-cache.loki.svc.cluster.local',
      '_memcached-client._tcp.loki-chunks-cache.loki.svc',
    ]);
    assert.deepEqual(candidateNames('a.b.c', { search: ['x'], ndots: 1 }), ['a.b.c', 'a.b.c.x']);
    assert.deepEqual(candidateNames('rooted.name.', k8s), ['rooted.name']);
  });

  it('reads SKALD_DNS_SERVER as a list of servers', () => {
    assert.deepEqual(dnsServersFromEnvironment({}), []);
    assert.deepEqual(dnsServersFromEnvironment({ SKALD_DNS_SERVER: '127.0.0.1:5353, [::1]:53' }), [
      '127.0.0.1:5353',
      '[::1]:53',
    ]);
  });
});

describe('DNS lookups against a real DNS server', () => {
  let server: DnsTestServer;

  before(async () => {
    server = await startDnsServer({
      hosts: [
        { name: 'mc-0.cache.skald.test', addresses: ['127.0.0.1', '::1'] },
        { name: 'mc-1.cache.skald.test', addresses: ['127.0.0.2'] },
      ],
      srv: [
        { name: '_memcached._tcp.cache.skald.test', target: 'mc-0.cache.skald.test', port: 11211 },
        { name: '_memcached._tcp.cache.skald.test', target: 'mc-1.cache.skald.test', port: 11212 },
      ],
    });
  });
  after(async () => {
    await server?.stop();
  });

  const dns = (search: string[] = [], ndots = 1) =>
    new SystemDns({ servers: [server.address], resolvConf: { search, ndots }, timeoutMs: 500 });

  it('finds SRV records and every A and AAAA address', async () => {
    const d = dns();
    const srv = await d.lookupSrv('_memcached._tcp.cache.skald.test');
    assert.deepEqual(
      srv.sort((a, b) => a.port - b.port),
      [
        { name: 'mc-0.cache.skald.test', port: 11211 },
        { name: 'mc-1.cache.skald.test', port: 11212 },
      ],
    );
    assert.deepEqual((await d.lookupHost('mc-0.cache.skald.test')).sort(), ['127.0.0.1', '::1']);
    assert.deepEqual(await d.lookupHost('127.0.0.9'), ['127.0.0.9']);
  });

  it('answers a missing name with no records rather than an error', async () => {
    const d = dns();
    assert.deepEqual(await d.lookupSrv('_memcached._tcp.absent.skald.test'), []);
    assert.deepEqual(await d.lookupHost('absent.skald.test'), []);
  });

  it('applies the search list, as a Kubernetes pod resolves a service name', async () => {
    const d = dns(['other.test', 'skald.test'], 5);
    assert.equal((await d.lookupSrv('_memcached._tcp.cache')).length, 2);
    assert.deepEqual(await d.lookupHost('mc-1.cache'), ['127.0.0.2']);
  });

  it('fails, rather than answering nothing, when the server does not answer', async () => {
    const silent = new SystemDns({ servers: ['127.0.0.1:9'], resolvConf: { search: [], ndots: 1 }, timeoutMs: 100 });
    await assert.rejects(silent.lookupSrv('_memcached._tcp.cache.skald.test'));
  });

  it('connects to a host name through the same server', async () => {
    const tcp = createServer((s) => s.end('hello'));
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.2', r));
    const port = (tcp.address() as AddressInfo).port;
    const d = dns();
    const text = await new Promise<string>((resolve, reject) => {
      const s = connect({ host: 'mc-1.cache.skald.test', port, lookup: d.connectLookup });
      let got = '';
      s.on('data', (b) => {
        got += b.toString();
      });
      s.on('end', () => resolve(got));
      s.on('error', reject);
    });
    tcp.close();
    assert.equal(text, 'hello');
  });
});
