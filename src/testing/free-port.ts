// Loopback ports for test servers, chosen below the kernel's ephemeral range.
//
// Asking the kernel for port 0 returns a port from the ephemeral range, the
// same range every outgoing connection takes its local port from. A test
// that releases such a port and starts a server on it a moment later loses
// it, now and then, to one of the many client connections that tests running
// beside it open (EADDRINUSE). Ports picked at random below that range are
// never handed to client connections; each is bound once to prove it is free
// and never handed out twice by this process.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const LOWEST = 10_000;
const handedOut = new Set<number>();

/** The first port of the kernel's ephemeral range (Linux; 32768 elsewhere). */
function ephemeralStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(first) && first > LOWEST + 1000) return first;
  } catch {
    // Not Linux: the IANA dynamic range starts higher still; 32768 is below it.
  }
  return 32_768;
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago and outside the range client connections use. */
export async function freeLoopbackPort(): Promise<number> {
  const end = ephemeralStart();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (end - LOWEST));
    if (handedOut.has(port)) continue;
    if (await canBind(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free loopback port between ${LOWEST} and ${end}`);
}
