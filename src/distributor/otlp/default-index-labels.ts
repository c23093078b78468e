// The resource attributes Loki turns into index labels by default. A module of
// its own, without imports, so that the configuration schema (its default) and
// the OTLP push path share one list.

/** Loki's default `distributor.otlp.default_resource_attributes_as_index_labels`. */
export const DEFAULT_INDEX_LABEL_ATTRIBUTES: readonly string[] = Object.freeze([
  'service.name',
  'service.namespace',
  'service.instance.id',
  'deployment.environment',
  'deployment.environment.name',
  'cloud.region',
  'cloud.availability_zone',
  'k8s.cluster.name',
  'k8s.namespace.name',
  'k8s.pod.name',
  'k8s.container.name',
  'container.name',
  'k8s.replicaset.name',
  'k8s.deployment.name',
  'k8s.statefulset.name',
  'k8s.daemonset.name',
  'k8s.cronjob.name',
  'k8s.job.name',
]);
