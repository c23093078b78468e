// A stand-in for the Kubernetes API in tests: serves GET /api/v1/pods (and
// per namespace) as a PodList with a resourceVersion, honouring the
// spec.nodeName field selector and equality label selectors, and `?watch=1`
// as a stream of ADDED/MODIFIED/DELETED events, in the real API's shapes.
// Not used by the agent itself.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pod } from './discovery/kubernetes/pod-targets.js';

export interface KubeServer {
  readonly url: string;
  /** Requests received (path and query), for assertions. */
  readonly requests: string[];
  addPod(pod: Pod): void;
  modifyPod(pod: Pod): void;
  /** Deletes a pod; with `notify` false open watches are not told (the agent must relist to notice). */
  deletePod(namespace: string, name: string, notify?: boolean): void;
  /** Makes the next watch answer 410 Gone, as after a compaction. */
  expireNextWatch(): void;
  /** Ends every open watch (as the API server does at its timeout). */
  endWatches(): void;
  readonly openWatches: number;
  close(): Promise<void>;
}

interface Watch {
  res: ServerResponse;
  namespace: string | undefined;
  node: string | undefined;
  labels: Array<[string, string]>;
}

function selectorValue(fieldSelector: string, field: string): string | undefined {
  for (const part of fieldSelector.split(',')) {
    const [k, v] = part.split('=');
    if (k === field) return v;
  }
  return undefined;
}

function labelPairs(selector: string): Array<[string, string]> {
  return selector
    .split(',')
    .filter((p) => p.includes('='))
    .map((p) => p.split('=') as [string, string]);
}

export function makePod(
  namespace: string,
  name: string,
  overrides: Partial<Pod> & { node?: string; uid?: string } = {},
): Pod {
  const { node = 'node-1', uid = `uid-${name}`, ...rest } = overrides;
  return {
    metadata: { name, namespace, uid, labels: {}, annotations: {}, ...rest.metadata },
    spec: { nodeName: node, containers: [{ name: 'main', image: 'busybox:1' }], ...rest.spec },
    status: {
      phase: 'Running',
      podIP: '10.0.0.1',
      hostIP: '192.168.1.1',
      conditions: [{ type: 'Ready', status: 'True' }],
      ...rest.status,
    },
  };
}

export async function startKubeServer(initial: Pod[] = []): Promise<KubeServer> {
  const pods = new Map<string, Pod>();
  let version = 100;
  const watches = new Set<Watch>();
  const requests: string[] = [];
  let expireNext = false;
  const key = (p: Pod) => `${p.metadata.namespace}/${p.metadata.name}`;
  const stamp = (p: Pod): Pod => ({ ...p, metadata: { ...p.metadata, resourceVersion: String(++version) } });
  for (const p of initial) pods.set(key(p), stamp(p));

  const matches = (w: Pick<Watch, 'namespace' | 'node' | 'labels'>, p: Pod) =>
    (w.namespace === undefined || p.metadata.namespace === w.namespace) &&
    (w.node === undefined || p.spec?.nodeName === w.node) &&
    w.labels.every(([k, v]) => p.metadata.labels?.[k] === v);

  const notify = (type: string, pod: Pod) => {
    for (const w of watches) if (matches(w, pod)) w.res.write(`${JSON.stringify({ type, object: pod })}\n`);
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${url.pathname}${url.search}`);
    const m = /^\/api\/v1\/(?:namespaces\/([^/]+)\/)?pods$/.exec(url.pathname);
    if (!m) {
      res.statusCode = 404;
      res.end(JSON.stringify({ kind: 'Status', code: 404, message: 'not found' }));
      return;
    }
    const filter = {
      namespace: m[1] ? decodeURIComponent(m[1]) : undefined,
      node: selectorValue(url.searchParams.get('fieldSelector') ?? '', 'spec.nodeName'),
      labels: labelPairs(url.searchParams.get('labelSelector') ?? ''),
    };
    res.setHeader('Content-Type', 'application/json');
    if (url.searchParams.get('watch') === '1') {
      if (expireNext) {
        expireNext = false;
        res.write(
          `${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old resource version' } })}\n`,
        );
        res.end();
        return;
      }
      const w: Watch = { res, ...filter };
      watches.add(w);
      res.flushHeaders();
      req.on('close', () => watches.delete(w));
      return;
    }
    const items = [...pods.values()].filter((p) => matches(filter, p));
    res.end(
      JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(version) }, items }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    addPod(pod) {
      const p = stamp(pod);
      pods.set(key(p), p);
      notify('ADDED', p);
    },
    modifyPod(pod) {
      const p = stamp(pod);
      pods.set(key(p), p);
      notify('MODIFIED', p);
    },
    deletePod(namespace, name, tell = true) {
      const p = pods.get(`${namespace}/${name}`);
      if (!p) return;
      pods.delete(`${namespace}/${name}`);
      const deleted = stamp(p);
      if (tell) notify('DELETED', deleted);
    },
    expireNextWatch() {
      expireNext = true;
    },
    endWatches() {
      for (const w of watches) w.res.end();
      watches.clear();
    },
    get openWatches() {
      return watches.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const w of watches) w.res.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
