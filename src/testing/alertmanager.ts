// A real Prometheus Alertmanager for end-to-end tests: the Debian package
// `prometheus-alertmanager` (installed when missing), one instance on a
// random loopback port with clustering off, and helpers to read the alerts
// it received through its v2 API.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePackageBinary, type ServiceProcess, startServiceProcess } from './service-process.js';

export const ALERTMANAGER_BINARY = '/usr/bin/prometheus-alertmanager';

/** An alert as Alertmanager's GET /api/v2/alerts returns it (the fields tests read). */
export interface ReceivedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
  status: { state: string };
}

export interface AlertmanagerTestServer extends ServiceProcess {
  /** GET /api/v2/alerts, optionally with `filter` matchers such as `alertname="X"`. */
  alerts(filter?: string[]): Promise<ReceivedAlert[]>;
}

// Every alert goes to a receiver without integrations: the test reads the API, not notifications.
const CONFIG = `route:
  receiver: blackhole
  group_wait: 1s
  group_interval: 1s
receivers:
  - name: blackhole
`;

export async function startAlertmanager(): Promise<AlertmanagerTestServer> {
  const binary = await ensurePackageBinary(ALERTMANAGER_BINARY, 'prometheus-alertmanager');
  const proc = await startServiceProcess({
    name: 'alertmanager',
    binary,
    prepare: (dir) => writeFile(join(dir, 'alertmanager.yml'), CONFIG),
    args: (port, dir) => [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // An empty cluster address turns off the gossip listener (otherwise port 9094 on all interfaces).
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    readyPath: '/-/ready',
  });
  return {
    ...proc,
    logs: proc.logs,
    stop: proc.stop,
    async alerts(filter: string[] = []) {
      const q = new URLSearchParams();
      for (const f of filter) q.append('filter', f);
      const res = await fetch(`${proc.url}/api/v2/alerts?${q}`);
      if (res.status !== 200) throw new Error(`alertmanager answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as ReceivedAlert[];
    },
  };
}
