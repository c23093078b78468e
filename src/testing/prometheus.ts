// A real Prometheus server for end-to-end tests, as a remote-write receiver:
// the Debian package `prometheus` (installed when missing), started on a
// random loopback port with --web.enable-remote-write-receiver and no
// scrape targets, queried through its HTTP API.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePackageBinary, type ServiceProcess, startServiceProcess } from './service-process.js';

export const PROMETHEUS_BINARY = '/usr/bin/prometheus';

export interface PrometheusSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PrometheusTestServer extends ServiceProcess {
  /** Where remote-write clients send samples. */
  readonly remoteWriteURL: string;
  /** An instant query; the vector of `data.result`. */
  query(expr: string): Promise<PrometheusSample[]>;
}

const CONFIG = `global:
  scrape_interval: 1m
`;

export async function startPrometheus(): Promise<PrometheusTestServer> {
  const binary = await ensurePackageBinary(PROMETHEUS_BINARY, 'prometheus');
  const proc = await startServiceProcess({
    name: 'prometheus',
    binary,
    prepare: (dir) => writeFile(join(dir, 'prometheus.yml'), CONFIG),
    args: (port, dir) => [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      '--log.level=warn',
    ],
    readyPath: '/-/ready',
  });
  return {
    ...proc,
    logs: proc.logs,
    stop: proc.stop,
    remoteWriteURL: `${proc.url}/api/v1/write`,
    async query(expr: string) {
      const res = await fetch(`${proc.url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
      const body = (await res.json()) as { status: string; error?: string; data?: { result: PrometheusSample[] } };
      if (body.status !== 'success') throw new Error(`prometheus query failed: ${body.error ?? res.status}`);
      return body.data?.result ?? [];
    },
  };
}
