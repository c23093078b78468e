// Kubernetes pods as target groups, with the `__meta_kubernetes_*` labels of
// Prometheus' pod role: one target per container port, or per container
// without ports, init containers included. A pod without an IP yet (pending,
// evicted) has no targets.
import { ADDRESS_LABEL, type LabelRecord, type TargetGroup } from '../target-group.js';

/** The parts of a v1 Pod the pod role reads. */
export interface Pod {
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ kind?: string; name?: string; controller?: boolean }>;
  };
  spec?: {
    nodeName?: string;
    containers?: Container[];
    initContainers?: Container[];
  };
  status?: {
    phase?: string;
    podIP?: string;
    hostIP?: string;
    conditions?: Array<{ type?: string; status?: string }>;
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

interface Container {
  name: string;
  image?: string;
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
}

interface ContainerStatus {
  name: string;
  containerID?: string;
}

const META = '__meta_kubernetes_';

/** Prometheus' strutil.SanitizeLabelName: every character outside [a-zA-Z0-9_] becomes `_`. */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

export function podSource(namespace: string, name: string): string {
  return `pod/${namespace}/${name}`;
}

function podReady(pod: Pod): string {
  for (const c of pod.status?.conditions ?? []) {
    if (c.type === 'Ready') return (c.status ?? '').toLowerCase();
  }
  return 'unknown';
}

function podLabels(pod: Pod): LabelRecord {
  const ls: LabelRecord = {
    [`${META}namespace`]: pod.metadata.namespace ?? '',
    [`${META}pod_name`]: pod.metadata.name,
    [`${META}pod_ip`]: pod.status?.podIP ?? '',
    [`${META}pod_ready`]: podReady(pod),
    [`${META}pod_phase`]: pod.status?.phase ?? '',
    [`${META}pod_node_name`]: pod.spec?.nodeName ?? '',
    [`${META}pod_host_ip`]: pod.status?.hostIP ?? '',
    [`${META}pod_uid`]: pod.metadata.uid ?? '',
  };
  const controller = pod.metadata.ownerReferences?.find((r) => r.controller === true);
  if (controller) {
    if (controller.kind) ls[`${META}pod_controller_kind`] = controller.kind;
    if (controller.name) ls[`${META}pod_controller_name`] = controller.name;
  }
  for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) {
    const n = sanitizeLabelName(k);
    ls[`${META}pod_label_${n}`] = v;
    ls[`${META}pod_labelpresent_${n}`] = 'true';
  }
  for (const [k, v] of Object.entries(pod.metadata.annotations ?? {})) {
    const n = sanitizeLabelName(k);
    ls[`${META}pod_annotation_${n}`] = v;
    ls[`${META}pod_annotationpresent_${n}`] = 'true';
  }
  return ls;
}

function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The group of a pod (empty when it has no IP). */
export function podTargetGroup(pod: Pod): TargetGroup {
  const namespace = pod.metadata.namespace ?? '';
  const source = podSource(namespace, pod.metadata.name);
  const ip = pod.status?.podIP ?? '';
  if (ip === '') return { source, labels: {}, targets: [] };
  const labels = podLabels(pod);
  const targets: LabelRecord[] = [];
  const main = pod.spec?.containers ?? [];
  const init = pod.spec?.initContainers ?? [];
  [...main, ...init].forEach((c, i) => {
    const isInit = i >= main.length;
    const statuses = (isInit ? pod.status?.initContainerStatuses : pod.status?.containerStatuses) ?? [];
    const containerId = statuses.find((s) => s.name === c.name)?.containerID ?? '';
    const common: LabelRecord = {
      [`${META}pod_container_name`]: c.name,
      [`${META}pod_container_id`]: containerId,
      [`${META}pod_container_image`]: c.image ?? '',
      [`${META}pod_container_init`]: String(isInit),
    };
    if (!c.ports || c.ports.length === 0) {
      targets.push({ [ADDRESS_LABEL]: ip, ...common });
      return;
    }
    for (const port of c.ports) {
      const number = String(port.containerPort);
      targets.push({
        [ADDRESS_LABEL]: joinHostPort(ip, number),
        ...common,
        [`${META}pod_container_port_name`]: port.name ?? '',
        [`${META}pod_container_port_number`]: number,
        [`${META}pod_container_port_protocol`]: port.protocol ?? '',
      });
    }
  });
  return { source, labels, targets };
}
