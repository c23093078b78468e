import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadTlsOptions } from './tls.js';

const testdata = (name: string) => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));
const none = { useTls: false, caFile: '', certFile: '', keyFile: '', insecureSkipVerify: false };

describe('TLS options', () => {
  it("uses the system's defaults when no file and no -insecure is given", () => {
    assert.equal(loadTlsOptions(none), undefined);
    assert.equal(loadTlsOptions({ ...none, useTls: true }), undefined);
    assert.equal(loadTlsOptions({ ...none, insecureSkipVerify: true }), undefined);
  });

  it('skips verification with -tls -insecure', () => {
    assert.deepEqual(loadTlsOptions({ ...none, useTls: true, insecureSkipVerify: true }), {
      rejectUnauthorized: false,
    });
  });

  it('reads the CA and the client certificate and key', () => {
    const options = loadTlsOptions({
      ...none,
      useTls: true,
      caFile: testdata('ca.pem'),
      certFile: testdata('client.pem'),
      keyFile: testdata('client-key.pem'),
    });
    assert.deepEqual(options?.ca, readFileSync(testdata('ca.pem')));
    assert.deepEqual(options?.cert, readFileSync(testdata('client.pem')));
    assert.deepEqual(options?.key, readFileSync(testdata('client-key.pem')));
    assert.equal(options?.rejectUnauthorized, true);
  });

  it('explains unreadable files and a certificate without its key', () => {
    assert.throws(() => loadTlsOptions({ ...none, useTls: true, caFile: '/missing/ca.pem' }), {
      message: 'unable to load specified CA cert /missing/ca.pem: open /missing/ca.pem: no such file or directory',
    });
    assert.throws(() => loadTlsOptions({ ...none, useTls: true, certFile: testdata('client.pem') }), {
      message: `client cert file "${testdata('client.pem')}" specified without client key file`,
    });
    assert.throws(
      () => loadTlsOptions({ ...none, useTls: true, certFile: testdata('client.pem'), keyFile: '/missing/key.pem' }),
      { message: /^unable to use specified client cert \(.*client\.pem\) & key \(\/missing\/key\.pem\): open / },
    );
  });
});
