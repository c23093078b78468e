// Where and how to reach the Kubernetes API for a `kubernetes_sd_configs`
// entry: the explicit `api_server` with the entry's HTTP client settings, a
// `kubeconfig_file` (its current context), or, with neither, the
// in-cluster service account (token and CA mounted into the pod).
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import type { KubernetesSdConfig } from '../../config/types.js';
import type { KubeConnection } from './api-client.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export class KubeConfigError extends Error {
  override name = 'KubeConfigError';
}

/** Reads a token file on every request, so that projected (rotating) tokens keep working. */
function tokenFromFile(path: string): () => Promise<string | undefined> {
  return async () => `Bearer ${(await readFile(path, 'utf8')).trim()}`;
}

function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

async function optionalFile(path: string): Promise<Buffer | undefined> {
  return path === '' ? undefined : readFile(path);
}

/** The in-cluster connection, from KUBERNETES_SERVICE_HOST/PORT and the mounted service account. */
export async function inClusterConnection(
  env: NodeJS.ProcessEnv,
  accountDir = SERVICE_ACCOUNT_DIR,
): Promise<KubeConnection> {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) {
    throw new KubeConfigError(
      'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined',
    );
  }
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    server: `https://${hostPart}:${port}`,
    ca: await readFile(join(accountDir, 'ca.crt')),
    authorization: tokenFromFile(join(accountDir, 'token')),
  };
}

async function apiServerConnection(cfg: KubernetesSdConfig): Promise<KubeConnection> {
  const tls = cfg.tls_config;
  let authorization: (() => Promise<string | undefined>) | undefined;
  if (cfg.bearer_token !== '') authorization = async () => `Bearer ${cfg.bearer_token}`;
  else if (cfg.bearer_token_file !== '') authorization = tokenFromFile(cfg.bearer_token_file);
  else if (cfg.authorization.credentials !== '' || cfg.authorization.credentials_file !== '') {
    const type = cfg.authorization.type.trim() || 'Bearer';
    authorization = cfg.authorization.credentials_file
      ? async () => `${type} ${(await readFile(cfg.authorization.credentials_file, 'utf8')).trim()}`
      : async () => `${type} ${cfg.authorization.credentials}`;
  } else if (cfg.basic_auth.username !== '' || cfg.basic_auth.username_file !== '') {
    const b = cfg.basic_auth;
    authorization = async () => {
      const user = b.username_file ? (await readFile(b.username_file, 'utf8')).trim() : b.username;
      const password = b.password_file ? (await readFile(b.password_file, 'utf8')).trim() : b.password;
      return basicAuth(user, password);
    };
  }
  return {
    server: cfg.api_server,
    ca: tls.ca !== '' ? Buffer.from(tls.ca) : await optionalFile(tls.ca_file),
    cert: tls.cert !== '' ? Buffer.from(tls.cert) : await optionalFile(tls.cert_file),
    key: tls.key !== '' ? Buffer.from(tls.key) : await optionalFile(tls.key_file),
    insecureSkipVerify: tls.insecure_skip_verify,
    serverName: tls.server_name,
    authorization,
  };
}

interface KubeconfigDoc {
  'current-context'?: string;
  contexts?: Array<{ name: string; context?: { cluster?: string; user?: string; namespace?: string } }>;
  clusters?: Array<{
    name: string;
    cluster?: {
      server?: string;
      'certificate-authority'?: string;
      'certificate-authority-data'?: string;
      'insecure-skip-tls-verify'?: boolean;
      'tls-server-name'?: string;
    };
  }>;
  users?: Array<{
    name: string;
    user?: {
      token?: string;
      tokenFile?: string;
      'client-certificate'?: string;
      'client-certificate-data'?: string;
      'client-key'?: string;
      'client-key-data'?: string;
      username?: string;
      password?: string;
    };
  }>;
}

/** The current context of a kubeconfig file (token, basic auth or client certificate users). */
export async function kubeconfigConnection(file: string): Promise<KubeConnection> {
  const doc = parse(await readFile(file, 'utf8')) as KubeconfigDoc;
  const contextName = doc['current-context'];
  const context = doc.contexts?.find((c) => c.name === contextName)?.context;
  if (!context)
    throw new KubeConfigError(`kubeconfig ${file}: current context ${JSON.stringify(contextName ?? '')} not found`);
  const cluster = doc.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster?.server)
    throw new KubeConfigError(`kubeconfig ${file}: cluster ${JSON.stringify(context.cluster ?? '')} has no server`);
  const user = doc.users?.find((u) => u.name === context.user)?.user ?? {};
  const relative = (p: string) => (isAbsolute(p) ? p : join(dirname(file), p));
  const fromData = (data: string | undefined) => (data ? Buffer.from(data, 'base64') : undefined);
  const ca =
    fromData(cluster['certificate-authority-data']) ??
    (cluster['certificate-authority'] ? await readFile(relative(cluster['certificate-authority'])) : undefined);
  const cert =
    fromData(user['client-certificate-data']) ??
    (user['client-certificate'] ? await readFile(relative(user['client-certificate'])) : undefined);
  const key =
    fromData(user['client-key-data']) ??
    (user['client-key'] ? await readFile(relative(user['client-key'])) : undefined);
  let authorization: (() => Promise<string | undefined>) | undefined;
  if (user.token) authorization = async () => `Bearer ${user.token}`;
  else if (user.tokenFile) authorization = tokenFromFile(relative(user.tokenFile));
  else if (user.username !== undefined) authorization = async () => basicAuth(user.username!, user.password ?? '');
  return {
    server: cluster.server,
    ca,
    cert,
    key,
    insecureSkipVerify: cluster['insecure-skip-tls-verify'] === true,
    serverName: cluster['tls-server-name'],
    authorization,
  };
}

export async function connectionFor(cfg: KubernetesSdConfig, env: NodeJS.ProcessEnv): Promise<KubeConnection> {
  if (cfg.kubeconfig_file !== '') return kubeconfigConnection(cfg.kubeconfig_file);
  if (cfg.api_server !== '') return apiServerConnection(cfg);
  return inClusterConnection(env);
}

/** The namespaces to watch: `namespaces.names`, the agent's own (own_namespace), or all (an empty list). */
export async function namespacesFor(cfg: KubernetesSdConfig, accountDir = SERVICE_ACCOUNT_DIR): Promise<string[]> {
  const names = [...cfg.namespaces.names];
  if (cfg.namespaces.own_namespace) {
    const own = (await readFile(join(accountDir, 'namespace'), 'utf8')).trim();
    if (!names.includes(own)) names.push(own);
  }
  return names;
}
