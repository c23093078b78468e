import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseAgentCommandLine } from '../../cli.js';
import { loadAgentConfig } from '../../config/load.js';
import { relabel } from '../../relabel/relabel.js';
import { makePod } from '../../test-kube-server.js';
import { type Pod, podTargetGroup } from './pod-targets.js';

const webPod: Pod = makePod('default', 'web-5d8f7b9c4d-x2x9k', {
  uid: '7b3c0f0e-1111-2222-3333-444455556666',
  metadata: {
    name: 'web-5d8f7b9c4d-x2x9k',
    namespace: 'default',
    labels: { 'app.kubernetes.io/name': 'web', 'pod-template-hash': '5d8f7b9c4d' },
    annotations: { 'kubernetes.io/config.seen': '2024-01-01' },
    ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d8f7b9c4d', controller: true }],
  },
  spec: {
    nodeName: 'node-1',
    containers: [
      { name: 'nginx', image: 'nginx:1.25', ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }] },
      { name: 'sidecar', image: 'envoy:1' },
    ],
    initContainers: [{ name: 'setup', image: 'busybox:1' }],
  },
  status: {
    phase: 'Running',
    podIP: '10.1.2.3',
    hostIP: '192.168.0.10',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'nginx', containerID: 'containerd://abc' }],
  },
});

describe('pods as targets (Prometheus pod role)', () => {
  it('labels the group with the pod metadata and sanitised label and annotation names', () => {
    const g = podTargetGroup(webPod);
    assert.equal(g.source, 'pod/default/web-5d8f7b9c4d-x2x9k');
    assert.deepEqual(g.labels, {
      __meta_kubernetes_namespace: 'default',
      __meta_kubernetes_pod_name: 'web-5d8f7b9c4d-x2x9k',
      __meta_kubernetes_pod_ip: '10.1.2.3',
      __meta_kubernetes_pod_ready: 'true',
      __meta_kubernetes_pod_phase: 'Running',
      __meta_kubernetes_pod_node_name: 'node-1',
      __meta_kubernetes_pod_host_ip: '192.168.0.10',
      __meta_kubernetes_pod_uid: '7b3c0f0e-1111-2222-3333-444455556666',
      __meta_kubernetes_pod_controller_kind: 'ReplicaSet',
      __meta_kubernetes_pod_controller_name: 'web-5d8f7b9c4d',
      __meta_kubernetes_pod_label_app_kubernetes_io_name: 'web',
      __meta_kubernetes_pod_labelpresent_app_kubernetes_io_name: 'true',
      __meta_kubernetes_pod_label_pod_template_hash: '5d8f7b9c4d',
      __meta_kubernetes_pod_labelpresent_pod_template_hash: 'true',
      __meta_kubernetes_pod_annotation_kubernetes_io_config_seen: '2024-01-01',
      __meta_kubernetes_pod_annotationpresent_kubernetes_io_config_seen: 'true',
    });
  });

  it('makes one target per container port, per port-less container and per init container', () => {
    const g = podTargetGroup(webPod);
    assert.deepEqual(g.targets, [
      {
        __address__: '10.1.2.3:80',
        __meta_kubernetes_pod_container_name: 'nginx',
        __meta_kubernetes_pod_container_id: 'containerd://abc',
        __meta_kubernetes_pod_container_image: 'nginx:1.25',
        __meta_kubernetes_pod_container_init: 'false',
        __meta_kubernetes_pod_container_port_name: 'http',
        __meta_kubernetes_pod_container_port_number: '80',
        __meta_kubernetes_pod_container_port_protocol: 'TCP',
      },
      {
        __address__: '10.1.2.3',
        __meta_kubernetes_pod_container_name: 'sidecar',
        __meta_kubernetes_pod_container_id: '',
        __meta_kubernetes_pod_container_image: 'envoy:1',
        __meta_kubernetes_pod_container_init: 'false',
      },
      {
        __address__: '10.1.2.3',
        __meta_kubernetes_pod_container_name: 'setup',
        __meta_kubernetes_pod_container_id: '',
        __meta_kubernetes_pod_container_image: 'busybox:1',
        __meta_kubernetes_pod_container_init: 'true',
      },
    ]);
  });

  it('gives a pod without an IP no targets', () => {
    const pending = makePod('default', 'pending', { status: { phase: 'Pending' } });
    pending.status!.podIP = undefined;
    assert.deepEqual(podTargetGroup(pending).targets, []);
  });

  it('ends, through the Helm chart relabelling, with the path and labels Promtail uses', () => {
    const helm = readFileSync(new URL('../../testdata/helm-promtail.yaml', import.meta.url), 'utf8');
    const cfg = loadAgentConfig(
      parseAgentCommandLine(['-config.file=helm.yaml']),
      {},
      { readFile: () => helm, exists: () => true },
    );
    const rules = cfg.scrapeConfigs[0]!.relabel;
    const g = podTargetGroup(webPod);
    const labels = new Map(Object.entries({ ...g.labels, ...g.targets[0] }));
    assert.equal(relabel(rules, labels), true);
    assert.equal(labels.get('__path__'), '/var/log/pods/*7b3c0f0e-1111-2222-3333-444455556666/nginx/*.log');
    const visible = Object.fromEntries([...labels].filter(([k]) => !k.startsWith('__')).sort());
    assert.deepEqual(visible, {
      app: 'web',
      container: 'nginx',
      job: 'default/web',
      namespace: 'default',
      node_name: 'node-1',
      pod: 'web-5d8f7b9c4d-x2x9k',
    });
  });

  it('uses the controller name without its hash when the pod has no app label', () => {
    const helm = readFileSync(new URL('../../testdata/helm-promtail.yaml', import.meta.url), 'utf8');
    const cfg = loadAgentConfig(
      parseAgentCommandLine(['-config.file=helm.yaml']),
      {},
      { readFile: () => helm, exists: () => true },
    );
    const pod = structuredClone(webPod);
    pod.metadata.labels = {};
    const g = podTargetGroup(pod);
    const labels = new Map(Object.entries({ ...g.labels, ...g.targets[1] }));
    relabel(cfg.scrapeConfigs[0]!.relabel, labels);
    assert.equal(labels.get('app'), 'web');
    assert.equal(labels.get('job'), 'default/web');
  });
});
