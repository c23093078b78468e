// Checks of a client's HTTP settings, with the messages of Prometheus'
// HTTPClientConfig.Validate (Promtail runs it while reading the file).
import type { ClientConfig } from './types.js';

export class ClientConfigError extends Error {
  override name = 'ClientConfigError';
}

function count(...flags: boolean[]): number {
  return flags.filter(Boolean).length;
}

export function validateClient(c: ClientConfig): void {
  const basic = c.basic_auth;
  const hasBasic =
    count(
      basic.username !== '',
      basic.username_file !== '',
      basic.username_ref !== '',
      basic.password !== '',
      basic.password_file !== '',
      basic.password_ref !== '',
    ) > 0;
  const auth = c.authorization;
  const hasAuthorization =
    auth.type !== '' || auth.credentials !== '' || auth.credentials_file !== '' || auth.credentials_ref !== '';
  const hasOauth = c.oauth2 !== undefined && c.oauth2 !== null;
  const hasBearer = c.bearer_token !== '' || c.bearer_token_file !== '';
  if (c.bearer_token !== '' && c.bearer_token_file !== '') {
    throw new ClientConfigError('at most one of bearer_token & bearer_token_file must be configured');
  }
  if ((hasBasic || hasOauth) && hasBearer) {
    throw new ClientConfigError(
      'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured',
    );
  }
  if (count(basic.username !== '', basic.username_file !== '', basic.username_ref !== '') > 1) {
    throw new ClientConfigError('at most one of basic_auth username, username_file & username_ref must be configured');
  }
  if (count(basic.password !== '', basic.password_file !== '', basic.password_ref !== '') > 1) {
    throw new ClientConfigError('at most one of basic_auth password, password_file & password_ref must be configured');
  }
  if (hasAuthorization) {
    if (hasBearer) throw new ClientConfigError('authorization is not compatible with bearer_token & bearer_token_file');
    if (count(auth.credentials !== '', auth.credentials_file !== '', auth.credentials_ref !== '') > 1) {
      throw new ClientConfigError('at most one of authorization credentials & credentials_file must be configured');
    }
    if (auth.type.trim().toLowerCase() === 'basic') {
      throw new ClientConfigError('authorization type cannot be set to "basic", use "basic_auth" instead');
    }
    if (hasBasic || hasOauth) {
      throw new ClientConfigError('at most one of basic_auth, oauth2 & authorization must be configured');
    }
  }
  if (hasOauth) throw new ClientConfigError('oauth2 is not supported by the Skald agent');
  if (basic.username_ref !== '' || basic.password_ref !== '' || auth.credentials_ref !== '') {
    throw new ClientConfigError('secret references (*_ref) are not supported by the Skald agent');
  }
  if (c.proxy_url !== '' || c.proxy_from_environment) {
    throw new ClientConfigError('proxies (proxy_url, proxy_from_environment) are not supported by the Skald agent');
  }
}
