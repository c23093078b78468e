import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeaderError, type HeaderSettings, requestHeaders, USER_AGENT } from './headers.js';

const NONE: HeaderSettings = {
  username: '',
  password: '',
  orgId: '',
  queryTags: '',
  noCache: false,
  bearerToken: '',
  bearerTokenFile: '',
  authHeader: 'Authorization',
  customHeaders: [],
};

describe('request headers', () => {
  it('always name the client', () => {
    assert.deepEqual(requestHeaders(NONE), { 'User-Agent': USER_AGENT });
    assert.match(USER_AGENT, /^skald-logcli\/\d+\.\d+\.\d+/);
  });

  it('carry the tenant, cache control and query tags when set', () => {
    assert.deepEqual(requestHeaders({ ...NONE, orgId: 'team-a', noCache: true, queryTags: 'source=cli' }), {
      'User-Agent': USER_AGENT,
      'X-Scope-Orgid': 'team-a',
      'Cache-Control': 'no-cache',
      'X-Query-Tags': 'source=cli',
    });
  });

  it('use basic auth only with both user and password, in the chosen header', () => {
    assert.equal(requestHeaders({ ...NONE, username: 'u', password: 'p' }).Authorization, 'Basic dTpw');
    assert.equal(requestHeaders({ ...NONE, username: 'u' }).Authorization, undefined);
    assert.equal(
      requestHeaders({ ...NONE, username: 'u', password: 'p', authHeader: 'X-Auth' })['X-Auth'],
      'Basic dTpw',
    );
  });

  it('use a bearer token from the flag or a file', () => {
    assert.equal(requestHeaders({ ...NONE, bearerToken: 't0k' }).Authorization, 'Bearer t0k');
    const h = requestHeaders({ ...NONE, bearerTokenFile: '/token' }, () => ' from-file \n');
    assert.equal(h.Authorization, 'Bearer from-file');
  });

  it('refuse two kinds of credentials', () => {
    assert.throws(() => requestHeaders({ ...NONE, username: 'u', bearerToken: 't' }), HeaderError);
    assert.throws(
      () => requestHeaders({ ...NONE, bearerToken: 't', bearerTokenFile: 'f' }),
      /at most one of the options bearer-token & bearer-token-file/,
    );
  });

  it('add --header values, replacing earlier values of the same name', () => {
    const h = requestHeaders({ ...NONE, customHeaders: ['X-Team:  blue ', 'user-agent: custom'] });
    assert.deepEqual(h, { 'User-Agent': 'custom', 'X-Team': 'blue' });
    assert.throws(() => requestHeaders({ ...NONE, customHeaders: ['no colon'] }), /invalid header format: "no colon"/);
    assert.throws(() => requestHeaders({ ...NONE, customHeaders: [': v'] }), /header name cannot be empty/);
  });

  it('report an unreadable token file', () => {
    assert.throws(
      () => requestHeaders({ ...NONE, bearerTokenFile: '/nonexistent/token' }),
      /unable to read authorization credentials file \/nonexistent\/token: open \/nonexistent\/token: no such file or directory/,
    );
  });
});
