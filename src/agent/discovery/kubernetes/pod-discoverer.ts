// Pod discovery with list + watch, as a client-go informer does: list the
// pods (remembering the list's resourceVersion), then follow a watch from
// that version, resuming after the server ends a watch and listing again
// when the version expired (410 Gone) or the connection failed. Every
// change reports the pod's target group; a deleted pod reports an empty one.
import type { Logger } from '../../../util/log.js';
import type { Discoverer, TargetGroup } from '../target-group.js';
import { type KubeApiClient, KubeApiError, type WatchEvent } from './api-client.js';
import { type Pod, podSource, podTargetGroup } from './pod-targets.js';

export interface PodDiscovererOptions {
  readonly client: KubeApiClient;
  /** Namespaces to watch; empty means all. */
  readonly namespaces: readonly string[];
  readonly labelSelector: string;
  readonly fieldSelector: string;
  readonly logger: Logger;
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
  /** How long the server should keep one watch open before the agent reconnects. */
  readonly watchTimeoutSeconds?: number;
}

class ResourceExpired extends Error {
  override name = 'ResourceExpired';
}

interface PodList {
  metadata?: { resourceVersion?: string };
  items?: Pod[];
}

interface Status {
  kind?: string;
  code?: number;
  message?: string;
}

function keyOf(pod: Pod): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
}

export class PodDiscoverer implements Discoverer {
  private readonly abort = new AbortController();
  private loops: Array<Promise<void>> = [];

  constructor(private readonly o: PodDiscovererOptions) {}

  start(onGroups: (groups: TargetGroup[]) => void): void {
    const namespaces = this.o.namespaces.length === 0 ? [undefined] : this.o.namespaces;
    this.loops = namespaces.map((ns) => this.run(ns, onGroups));
  }

  private query(extra: Record<string, string>): URLSearchParams {
    const q = new URLSearchParams();
    if (this.o.labelSelector) q.set('labelSelector', this.o.labelSelector);
    if (this.o.fieldSelector) q.set('fieldSelector', this.o.fieldSelector);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return q;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.abort.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async run(namespace: string | undefined, onGroups: (groups: TargetGroup[]) => void): Promise<void> {
    const path = namespace === undefined ? '/api/v1/pods' : `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
    const store = new Map<string, Pod>();
    const retryMin = this.o.retryMinMs ?? 500;
    const retryMax = this.o.retryMaxMs ?? 30_000;
    let retry = retryMin;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        const list = (await this.o.client.getJson(path, this.query({}), signal)) as PodList;
        let version = list.metadata?.resourceVersion ?? '';
        const seen = new Set<string>();
        const groups: TargetGroup[] = [];
        for (const pod of list.items ?? []) {
          const key = keyOf(pod);
          seen.add(key);
          store.set(key, pod);
          groups.push(podTargetGroup(pod));
        }
        for (const [key, pod] of store) {
          if (seen.has(key)) continue;
          store.delete(key);
          groups.push({ source: podSource(pod.metadata.namespace ?? '', pod.metadata.name), labels: {}, targets: [] });
        }
        onGroups(groups);
        retry = retryMin;
        while (!signal.aborted) {
          const timeout = this.o.watchTimeoutSeconds ?? 300 + Math.floor(Math.random() * 300);
          const params = {
            watch: '1',
            resourceVersion: version,
            allowWatchBookmarks: 'true',
            timeoutSeconds: String(timeout),
          };
          await this.o.client.watch(
            path,
            this.query(params),
            (event: WatchEvent) => {
              version = this.apply(event, store, onGroups) ?? version;
            },
            signal,
          );
        }
      } catch (err) {
        if (signal.aborted) break;
        if (err instanceof ResourceExpired) {
          this.o.logger.debug('watch expired, listing pods again', { namespace: namespace ?? '' });
          continue;
        }
        const status = err instanceof KubeApiError ? err.status : undefined;
        this.o.logger.warn('pod discovery failed, retrying', {
          namespace: namespace ?? '',
          status,
          err: (err as Error).message,
        });
        await this.sleep(retry);
        retry = Math.min(retry * 2, retryMax);
      }
    }
  }

  /** Applies one watch event; returns the resourceVersion it carries. */
  private apply(
    event: WatchEvent,
    store: Map<string, Pod>,
    onGroups: (groups: TargetGroup[]) => void,
  ): string | undefined {
    if (event.type === 'ERROR') {
      const status = event.object as Status;
      if (status.code === 410) throw new ResourceExpired(status.message ?? 'resource version expired');
      throw new KubeApiError(status.code ?? 0, status.message ?? 'watch error');
    }
    const pod = event.object as Pod;
    const version = pod?.metadata?.resourceVersion;
    if (event.type === 'BOOKMARK') return version;
    const key = keyOf(pod);
    if (event.type === 'DELETED') {
      store.delete(key);
      onGroups([{ source: podSource(pod.metadata.namespace ?? '', pod.metadata.name), labels: {}, targets: [] }]);
    } else {
      store.set(key, pod);
      onGroups([podTargetGroup(pod)]);
    }
    return version;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.loops);
  }
}
