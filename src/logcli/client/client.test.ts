import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildUrl, durationSeconds } from './client.js';
import { environmentProxy } from './transport.js';

describe('client requests', () => {
  it('join the address path with the API path', () => {
    assert.equal(
      buildUrl('http://localhost:3100', '/loki/api/v1/labels', 'a=1'),
      'http://localhost:3100/loki/api/v1/labels?a=1',
    );
    assert.equal(buildUrl('http://gw:80/loki/', '/loki/api/v1/labels', ''), 'http://gw/loki/loki/api/v1/labels');
    assert.equal(
      buildUrl('https://u:p@host/prefix', '/loki/api/v1/query', 'x=y'),
      'https://u:p@host/prefix/loki/api/v1/query?x=y',
    );
  });

  it('send steps as float seconds', () => {
    assert.equal(durationSeconds(60_000_000_000n), '60');
    assert.equal(durationSeconds(250_000_000n), '0.25');
    assert.equal(durationSeconds(100n), '0.0000001');
    assert.equal(durationSeconds(5_400_000_000_000n), '5400');
  });
});

describe('proxies from the environment', () => {
  const target = new URL('http://loki.example.com:3100/');
  it('use HTTP_PROXY or HTTPS_PROXY by scheme', () => {
    assert.equal(environmentProxy(target, { HTTP_PROXY: 'http://proxy:3128' }), 'http://proxy:3128');
    assert.equal(environmentProxy(target, { http_proxy: 'proxy:3128' }), 'http://proxy:3128');
    assert.equal(environmentProxy(new URL('https://loki.example.com'), { HTTP_PROXY: 'http://p' }), null);
    assert.equal(environmentProxy(new URL('https://loki.example.com'), { HTTPS_PROXY: 'http://p' }), 'http://p');
  });

  it('skip loopback and NO_PROXY hosts', () => {
    assert.equal(environmentProxy(new URL('http://127.0.0.1:3100'), { HTTP_PROXY: 'http://p' }), null);
    assert.equal(environmentProxy(new URL('http://localhost:3100'), { HTTP_PROXY: 'http://p' }), null);
    assert.equal(environmentProxy(target, { HTTP_PROXY: 'http://p', NO_PROXY: 'example.com' }), null);
    assert.equal(environmentProxy(target, { HTTP_PROXY: 'http://p', NO_PROXY: '.example.com' }), null);
    assert.equal(environmentProxy(target, { HTTP_PROXY: 'http://p', NO_PROXY: 'other.com,*' }), null);
    assert.equal(environmentProxy(target, { HTTP_PROXY: 'http://p', NO_PROXY: 'example.com:80' }), 'http://p');
  });
});
