import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultValue } from '../../../config/schema/defaults.js';
import { scrapeConfigBlock } from '../../config/schema.js';
import type { KubernetesSdConfig } from '../../config/types.js';
import { connectionFor, inClusterConnection, kubeconfigConnection, namespacesFor } from './connection.js';
import { podSelectors } from './index.js';

function sdConfig(overrides: Partial<KubernetesSdConfig>): KubernetesSdConfig {
  const base = defaultValue(scrapeConfigBlock.fields.kubernetes_sd_configs.elem);
  return { ...base, role: 'pod', ...overrides };
}

describe('reaching the Kubernetes API', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'skald-kube-'));
    writeFileSync(join(dir, 'token'), 'service-account-token\n');
    writeFileSync(join(dir, 'ca.crt'), 'CA PEM');
    writeFileSync(join(dir, 'namespace'), 'logging');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the in-cluster service account, re-reading its token', async () => {
    const c = await inClusterConnection({ KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, dir);
    assert.equal(c.server, 'https://10.96.0.1:443');
    assert.equal(c.ca?.toString(), 'CA PEM');
    assert.equal(await c.authorization!(), 'Bearer service-account-token');
    writeFileSync(join(dir, 'token'), 'rotated');
    assert.equal(await c.authorization!(), 'Bearer rotated');
    await assert.rejects(
      inClusterConnection({}, dir),
      /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined/,
    );
  });

  it('reads the current context of a kubeconfig file', async () => {
    const file = join(dir, 'kubeconfig');
    writeFileSync(
      file,
      `apiVersion: v1
kind: Config
current-context: dev
contexts:
  - name: prod
    context: { cluster: prod, user: admin }
  - name: dev
    context: { cluster: dev-cluster, user: dev-user }
clusters:
  - name: dev-cluster
    cluster:
      server: https://dev.example:6443
      certificate-authority-data: ${Buffer.from('DEV CA').toString('base64')}
users:
  - name: dev-user
    user:
      token: dev-token
`,
    );
    const c = await kubeconfigConnection(file);
    assert.equal(c.server, 'https://dev.example:6443');
    assert.equal(c.ca?.toString(), 'DEV CA');
    assert.equal(await c.authorization!(), 'Bearer dev-token');
    const viaConfig = await connectionFor(sdConfig({ kubeconfig_file: file }), {});
    assert.equal(viaConfig.server, 'https://dev.example:6443');
  });

  it('uses api_server with the scrape config credentials', async () => {
    const c = await connectionFor(
      sdConfig({ api_server: 'http://127.0.0.1:8001', bearer_token_file: join(dir, 'token') }),
      {},
    );
    assert.equal(c.server, 'http://127.0.0.1:8001');
    assert.match((await c.authorization!())!, /^Bearer /);
  });

  it("adds this node's field selector to the pod selectors, as Promtail does", () => {
    assert.deepEqual(podSelectors(sdConfig({}), 'node-7'), { label: '', field: 'spec.nodeName=node-7' });
    assert.deepEqual(
      podSelectors(sdConfig({ selectors: [{ role: 'pod', label: 'app=x', field: 'status.phase=Running' }] }), 'node-7'),
      {
        label: 'app=x',
        field: 'status.phase=Running,spec.nodeName=node-7',
      },
    );
  });

  it('watches its own namespace with own_namespace', async () => {
    assert.deepEqual(await namespacesFor(sdConfig({ namespaces: { own_namespace: true, names: ['a'] } }), dir), [
      'a',
      'logging',
    ]);
  });
});
