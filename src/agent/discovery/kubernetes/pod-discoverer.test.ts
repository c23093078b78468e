import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type KubeServer, makePod, startKubeServer } from '../../test-kube-server.js';
import { eventually, recordingLogger } from '../../test-support.js';
import type { TargetGroup } from '../target-group.js';
import { KubeApiClient } from './api-client.js';
import { PodDiscoverer } from './pod-discoverer.js';

describe('pod discovery with list and watch', () => {
  let kube: KubeServer;
  let discoverer: PodDiscoverer | undefined;
  let groups: Map<string, TargetGroup>;

  beforeEach(async () => {
    kube = await startKubeServer([makePod('default', 'a'), makePod('default', 'elsewhere', { node: 'node-2' })]);
    groups = new Map();
  });
  afterEach(async () => {
    await discoverer?.stop();
    await kube.close();
  });

  function start(namespaces: string[] = []) {
    discoverer = new PodDiscoverer({
      client: new KubeApiClient({ server: kube.url }),
      namespaces,
      labelSelector: '',
      fieldSelector: 'spec.nodeName=node-1',
      logger: recordingLogger(),
      retryMinMs: 20,
      watchTimeoutSeconds: 60,
    });
    discoverer.start((gs) => {
      for (const g of gs) groups.set(g.source, g);
    });
  }

  const active = () =>
    [...groups.values()]
      .filter((g) => g.targets.length > 0)
      .map((g) => g.source)
      .sort();

  it('lists the pods of this node, then follows changes through the watch', async () => {
    start();
    await eventually(() => active().length === 1 && kube.openWatches === 1, 3000, 'list and watch');
    assert.deepEqual(active(), ['pod/default/a']);
    assert.ok(kube.requests.some((r) => r.includes('watch=1') && r.includes('resourceVersion=')));
    assert.ok(kube.requests.every((r) => r.includes('fieldSelector=spec.nodeName%3Dnode-1')));

    kube.addPod(makePod('kube-system', 'b'));
    await eventually(() => active().length === 2, 3000, 'the added pod');
    assert.deepEqual(active(), ['pod/default/a', 'pod/kube-system/b']);

    kube.deletePod('default', 'a');
    await eventually(() => active().length === 1, 3000, 'the deleted pod');
    assert.deepEqual(active(), ['pod/kube-system/b']);
    assert.deepEqual(groups.get('pod/default/a')!.targets, []);
  });

  it('updates a pod when it changes (it gets its IP)', async () => {
    const pending = makePod('default', 'starting');
    pending.status!.podIP = '';
    kube.addPod(pending);
    start();
    await eventually(() => groups.has('pod/default/starting'), 3000);
    assert.equal(groups.get('pod/default/starting')!.targets.length, 0);
    kube.modifyPod(makePod('default', 'starting'));
    await eventually(() => groups.get('pod/default/starting')!.targets.length === 1, 3000);
  });

  it('resumes watching where it left off when the server ends a watch', async () => {
    start();
    await eventually(() => kube.openWatches === 1, 3000);
    kube.endWatches();
    await eventually(() => kube.openWatches === 1, 3000, 'a new watch');
    kube.addPod(makePod('default', 'after-reconnect'));
    await eventually(() => active().includes('pod/default/after-reconnect'), 3000);
  });

  it('lists again after 410 Gone and forgets pods deleted meanwhile', async () => {
    start();
    await eventually(() => kube.openWatches === 1, 3000);
    kube.expireNextWatch();
    kube.deletePod('default', 'a', false); // the open watch never hears of it
    kube.endWatches(); // and the agent reconnects into an expired version
    await eventually(() => active().length === 0 && kube.openWatches === 1, 3000);
    const lists = kube.requests.filter((r) => !r.includes('watch=1')).length;
    assert.ok(lists >= 2, `listed ${lists} times`);
  });

  it('watches the configured namespaces only', async () => {
    kube.addPod(makePod('other', 'c'));
    start(['other']);
    await eventually(() => active().length === 1, 3000);
    assert.deepEqual(active(), ['pod/other/c']);
    assert.ok(kube.requests.every((r) => r.startsWith('/api/v1/namespaces/other/pods')));
  });
});
