// A DNS lookup that resolves "localhost" and every name below it
// ("bucket.s3.localhost") to 127.0.0.1, as RFC 6761 specifies but not every
// system resolver does. Virtual-hosted S3 requests put the bucket in the host
// name, so an S3-compatible store on this machine (MinIO, a test server) is
// reachable in that style without editing /etc/hosts. Other names go to the
// system resolver unchanged.
import { lookup as systemLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';

export const resolveLocalhostSubdomains: LookupFunction = (hostname, options, callback) => {
  const name = hostname.toLowerCase();
  if (name !== 'localhost' && !name.endsWith('.localhost')) {
    systemLookup(hostname, options, callback);
    return;
  }
  // Node asks for every address (`all: true`) when it races IPv4 and IPv6.
  if (options.all) {
    (callback as (err: null, addresses: { address: string; family: number }[]) => void)(null, [
      { address: '127.0.0.1', family: 4 },
    ]);
  } else {
    callback(null, '127.0.0.1', 4);
  }
};
