// A WebSocket client of /loki/api/v1/tail for end-to-end tests.
import WebSocket from 'ws';

export interface TailMessage {
  streams: Array<{ stream: Record<string, string>; values: [string, string][] }>;
  dropped_entries?: unknown[];
}

export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/** Opens a tail and collects the lines it receives. */
export async function openTail(url: string, query: string, tenant: string, extra: Record<string, string> = {}) {
  const qs = new URLSearchParams({ query, ...extra });
  const ws = new WebSocket(`${url.replace('http', 'ws')}/loki/api/v1/tail?${qs}`, {
    headers: { 'X-Scope-OrgID': tenant },
  });
  const lines: Array<{ labels: Record<string, string>; line: string; at: number }> = [];
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as TailMessage;
    for (const s of msg.streams)
      for (const [, line] of s.values) lines.push({ labels: s.stream, line, at: Date.now() });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return { ws, lines };
}

export async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
