// A DNS lookup for tests that resolves "localhost" and every name below it
// ("bucket.s3.localhost") to 127.0.0.1, as RFC 6761 intends but not every
// resolver does. Virtual-hosted S3 requests put the bucket in the host name, so
// tests against a local S3 server need it; /etc/hosts stays untouched.
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
