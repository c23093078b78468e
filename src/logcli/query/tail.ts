// `query --tail`: follows a query over the tail WebSocket and prints entries as
// they arrive, until interrupted. A connection that drops without a close frame
// is re-established (up to five times, backing off from 1s to 10s) from the
// last timestamp received; any other close ends the command normally.
import { Backoff } from '../client/backoff.js';
import type { Stream } from '../client/response.js';
import { closeErrorText, type TailEvent, TailSocket } from '../client/tail-socket.js';
import { formatTimestamp } from '../format/time-layout.js';
import type { TimeZone } from '../format/time-zone.js';
import { FatalError, writeText } from '../io.js';
import { formatLabelSet, type LabelSet, labelSetFromRecord, matchLabels } from '../labels.js';
import type { LogFormatter } from '../output.js';
import type { RunContext } from './context.js';

export interface TailSpec {
  query: string;
  startNs: bigint;
  limit: number;
  delayForSec: number;
  quiet: boolean;
  noLabels: boolean;
  showLabelsKey: readonly string[];
  ignoreLabelsKey: readonly string[];
}

interface TailMessage {
  streams: Stream[];
  dropped: Array<{ tsNs: bigint; labels: LabelSet }>;
}

function decodeTailMessage(text: string): TailMessage {
  const body = JSON.parse(text) as { streams?: unknown; dropped_entries?: unknown };
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const record = (v: unknown): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  return {
    streams: list(body.streams).map((s) => {
      const o = record(s);
      return {
        labels: labelSetFromRecord(record(o.stream)),
        entries: list(o.values).map((pair) => {
          const [ts, line] = list(pair);
          if (typeof ts !== 'string' || typeof line !== 'string') throw new Error('malformed tail entry');
          return { tsNs: BigInt(ts), line };
        }),
      };
    }),
    dropped: list(body.dropped_entries).map((d) => {
      const o = record(d);
      return { tsNs: BigInt(String(o.timestamp ?? '0')), labels: labelSetFromRecord(record(o.labels)) };
    }),
  };
}

/** The labels printed for a stream: all, or as filtered by --include-label / --exclude-label. */
function shownLabels(spec: TailSpec, labels: LabelSet): LabelSet {
  if (spec.noLabels) return new Map();
  let ls = labels;
  if (spec.showLabelsKey.length > 0) ls = matchLabels(true, ls, spec.showLabelsKey);
  if (spec.ignoreLabelsKey.length > 0) ls = matchLabels(false, ls, spec.ignoreLabelsKey);
  return ls;
}

export async function runTail(
  ctx: RunContext,
  spec: TailSpec,
  formatter: LogFormatter,
  localZone: TimeZone,
  signal: AbortSignal,
): Promise<void> {
  const connect = (startNs: bigint) =>
    TailSocket.connect(ctx.client.tailConnection(spec.query, spec.delayForSec, spec.limit, startNs, spec.quiet));
  let socket: TailSocket;
  try {
    socket = await connect(spec.startNs);
  } catch (err) {
    throw new FatalError(`Tailing logs failed: ${(err as Error).message}`);
  }

  if (!spec.quiet) {
    if (spec.ignoreLabelsKey.length > 0) {
      ctx.log.print(`Ignoring labels key: ${ctx.colors.red(spec.ignoreLabelsKey.join(','))}`);
    }
    if (spec.showLabelsKey.length > 0) {
      ctx.log.print(`Print only labels key: ${ctx.colors.red(spec.showLabelsKey.join(','))}`);
    }
  }

  const interrupted = new Promise<TailEvent>((resolve) => {
    const stop = () => resolve({ kind: 'closed', code: -1, reason: 'interrupted' });
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });

  let lastReceived = spec.startNs;
  for (;;) {
    const event = await Promise.race([socket.next(), interrupted]);
    if (event.kind === 'closed' && event.code === -1) {
      socket.close();
      return;
    }
    if (event.kind === 'closed') {
      const text = closeErrorText(event.code, event.reason);
      if (event.code !== 1006) {
        ctx.log.print(`Error reading stream: ${text}`);
        return;
      }
      ctx.log.print(`Remote websocket connection closed unexpectedly (${text}). Connecting again.`);
      const backoff = new Backoff({ minBackoffMs: 1000, maxBackoffMs: 10_000, maxRetries: 5 }, signal);
      let reconnected: TailSocket | null = null;
      while (backoff.ongoing()) {
        try {
          reconnected = await connect(lastReceived);
          break;
        } catch (err) {
          ctx.log.print(
            `Error recreating tailing connection after unexpected close, will retry: ${(err as Error).message}`,
          );
          await backoff.wait();
        }
      }
      if (!reconnected) {
        ctx.log.print(`Error recreating tailing connection: ${backoff.err() ?? 'context canceled'}`);
        return;
      }
      socket = reconnected;
      continue;
    }

    let message: TailMessage;
    try {
      message = decodeTailMessage(event.data);
    } catch (err) {
      ctx.log.print(`Error reading stream: ${(err as Error).message}`);
      socket.close();
      return;
    }
    let text = '';
    for (const stream of message.streams) {
      const labels = shownLabels(spec, stream.labels);
      for (const entry of stream.entries) {
        text += formatter.format(entry.tsNs, labels, 0, entry.line);
        lastReceived = entry.tsNs;
      }
    }
    await writeText(ctx.stdout, text);
    if (message.dropped.length > 0) {
      ctx.log.print('Server dropped following entries due to slow client');
      for (const d of message.dropped) {
        ctx.log.print(`${formatTimestamp(d.tsNs, localZone, 'gostring')} ${formatLabelSet(d.labels)}`);
      }
    }
  }
}
