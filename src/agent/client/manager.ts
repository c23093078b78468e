// Where pipelines deliver entries: every configured client gets every
// entry (Promtail's client manager). An entry sent to several clients counts
// as delivered once all of them are done with it.
import type { Label } from '../../util/labels.js';
import type { Logger } from '../../util/log.js';
import type { ClientConfig } from '../config/types.js';
import type { FlowControl } from '../flow-control.js';
import type { LabelSet } from '../labels/label-set.js';
import type { AgentMetrics } from '../metrics.js';
import type { Ack } from '../pipeline/ack.js';
import type { LogEntry } from '../pipeline/entry.js';
import { Client, clientName } from './client.js';

export interface EntrySink {
  /** Takes an entry; its acknowledgement completes once it was delivered or given up. */
  handle(entry: LogEntry): void;
  /**
   * handle() copies the line's bytes before it returns and keeps no
   * reference to them, so the caller may reuse the memory they are in.
   */
  readonly copiesLines: boolean;
  /** Takes a line without an entry object (see LineHandler); only sinks that copy lines have it. */
  handleLine?(labels: LabelSet, sec: number, nanos: number, buf: Buffer, start: number, end: number, ack: Ack): void;
  /** Delivers what is buffered, waiting at most `timeoutMs`. */
  stop(timeoutMs: number): Promise<void>;
}

const NO_METADATA: readonly Label[] = [];

export class ClientConfigurationError extends Error {
  override name = 'ClientConfigurationError';
}

export interface ClientManagerOptions {
  readonly clients: readonly ClientConfig[];
  readonly maxStreams: number;
  readonly maxLineSize: number;
  readonly maxLineSizeTruncate: boolean;
  readonly metrics: AgentMetrics;
  readonly flow: FlowControl;
  readonly logger: Logger;
  readonly userAgent: string;
  readonly random?: () => number;
}

export class ClientManager implements EntrySink {
  readonly clients: readonly Client[];
  /** Clients copy lines into their batches' buffers. */
  readonly copiesLines = true;

  constructor(o: ClientManagerOptions) {
    if (o.clients.length === 0) throw new ClientConfigurationError('at least one client config must be provided');
    const names = new Set<string>();
    this.clients = o.clients.map((cfg) => {
      const name = clientName(cfg);
      if (names.has(name)) {
        throw new ClientConfigurationError(
          `duplicate client configs are not allowed, found duplicate for name: ${cfg.name}`,
        );
      }
      names.add(name);
      return new Client({ ...o, config: cfg });
    });
  }

  handle(entry: LogEntry): void {
    const clients = this.clients;
    if (clients.length > 1) entry.ack.retain(clients.length - 1);
    for (let i = 0; i < clients.length; i++) clients[i]!.add(entry);
  }

  handleLine(labels: LabelSet, sec: number, nanos: number, buf: Buffer, start: number, end: number, ack: Ack): void {
    const clients = this.clients;
    if (clients.length > 1) ack.retain(clients.length - 1);
    for (let i = 0; i < clients.length; i++)
      clients[i]!.addLine(labels, sec, nanos, buf, start, end - start, NO_METADATA, ack);
  }

  async stop(timeoutMs: number): Promise<void> {
    await Promise.all(this.clients.map((c) => c.stop(timeoutMs)));
  }
}
