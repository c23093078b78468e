import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { freeLoopbackPort } from './free-port.js';

describe('freeLoopbackPort', () => {
  it('hands out distinct ports below the ephemeral range that a server can listen on', async () => {
    let ephemeral = 32_768;
    try {
      ephemeral = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    } catch {}
    const ports = await Promise.all(Array.from({ length: 50 }, () => freeLoopbackPort()));
    assert.equal(new Set(ports).size, ports.length);
    for (const p of ports) assert.ok(p >= 10_000 && p < ephemeral, `port ${p}`);
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(ports[0], '127.0.0.1', resolve));
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  });
});
