// `kubernetes_sd_configs` with role pod, as Promtail runs it: the pods of
// this node only (Promtail adds the field selector spec.nodeName=<hostname>,
// the hostname being $HOSTNAME when set, which the Helm chart sets to the
// node name).
import type { Logger } from '../../../util/log.js';
import type { KubernetesSdConfig } from '../../config/types.js';
import type { Discoverer, TargetGroup } from '../target-group.js';
import { KubeApiClient } from './api-client.js';
import { connectionFor, namespacesFor } from './connection.js';
import { PodDiscoverer } from './pod-discoverer.js';

/** Promtail's fulfillKubePodSelector: every selector (or a new one) also selects this node's pods. */
export function podSelectors(cfg: KubernetesSdConfig, hostname: string): { label: string; field: string } {
  const node = `spec.nodeName=${hostname}`;
  const first = cfg.selectors[0];
  if (!first) return { label: '', field: node };
  let field = first.field;
  if (field === '') field = node;
  else if (!field.includes(node)) field = `${field},${node}`;
  return { label: first.label, field };
}

export interface KubernetesDiscovererOptions {
  readonly hostname: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly retryMinMs?: number;
}

/** Resolves the connection lazily so that a bad kubeconfig is reported and retried, not fatal. */
export class KubernetesDiscoverer implements Discoverer {
  private inner: PodDiscoverer | undefined;
  private stopped = false;
  private starting: Promise<void> = Promise.resolve();

  constructor(
    private readonly cfg: KubernetesSdConfig,
    private readonly o: KubernetesDiscovererOptions,
  ) {
    if (cfg.attach_metadata.node || cfg.attach_metadata.namespace) {
      o.logger.warn('kubernetes_sd_configs attach_metadata is not supported by the Skald agent and is ignored');
    }
  }

  start(onGroups: (groups: TargetGroup[]) => void): void {
    this.starting = (async () => {
      try {
        const connection = await connectionFor(this.cfg, this.o.env);
        const namespaces = await namespacesFor(this.cfg);
        const selectors = podSelectors(this.cfg, this.o.hostname);
        if (this.stopped) return;
        this.inner = new PodDiscoverer({
          client: new KubeApiClient(connection),
          namespaces,
          labelSelector: selectors.label,
          fieldSelector: selectors.field,
          logger: this.o.logger,
          retryMinMs: this.o.retryMinMs,
        });
        this.inner.start(onGroups);
      } catch (err) {
        this.o.logger.error('cannot start kubernetes pod discovery', { err: (err as Error).message });
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting;
    await this.inner?.stop();
  }
}
