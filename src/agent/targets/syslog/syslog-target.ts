// The `syslog` receiver: RFC 5424 messages over TCP (octet-counted or
// newline-framed, optionally TLS) or UDP. Each message is labelled with the
// configured labels and `__syslog_*` labels (connection address and host
// name, severity, facility, hostname, app name, proc id, msg id, and the
// structured data with `label_structured_data`), relabelled, stripped of
// `__` labels and handed to the job's pipeline.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { lookupService } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Logger } from '../../../util/log.js';
import type { SyslogConfig } from '../../config/types.js';
import { LabelSet } from '../../labels/label-set.js';
import type { AgentMetrics } from '../../metrics.js';
import { Stamper } from '../../pipeline/clock.js';
import { LogEntry } from '../../pipeline/entry.js';
import { type RelabelRule, relabel } from '../../relabel/relabel.js';
import { SyslogFramer } from './framing.js';
import { FACILITY_KEYWORDS, parseRfc5424, SEVERITY_LEVELS, type SyslogMessage } from './rfc5424.js';

const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_MESSAGE_LENGTH = 8192;

export interface SyslogTargetOptions {
  readonly jobName: string;
  readonly config: SyslogConfig;
  readonly relabel: readonly RelabelRule[];
  readonly handle: (entry: LogEntry) => void;
  readonly metrics: AgentMetrics;
  readonly logger: Logger;
}

export class SyslogConfigError extends Error {
  override name = 'SyslogConfigError';
}

/** host:port -> [host, port]; an empty host listens on every interface. */
function splitAddress(address: string): { host: string | undefined; port: number } {
  const i = address.lastIndexOf(':');
  if (i < 0) throw new SyslogConfigError(`error setting up syslog target: address ${address}: missing port in address`);
  let host = address.slice(0, i);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host: host === '' ? undefined : host, port: Number(address.slice(i + 1)) };
}

/** Reverse lookup as Go's net.LookupAddr reports it (names end with a dot); empty when unknown. */
async function hostnameOf(ip: string, cache: Map<string, Promise<string>>): Promise<string> {
  let p = cache.get(ip);
  if (p === undefined) {
    p = lookupService(ip, 0)
      .then(({ hostname }) => (hostname === ip ? '' : hostname.endsWith('.') ? hostname : `${hostname}.`))
      .catch(() => '');
    if (cache.size > 1000) cache.clear();
    cache.set(ip, p);
  }
  return p;
}

export class SyslogTarget {
  private server: Server | undefined;
  private udp: UdpSocket | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly stamper = new Stamper();
  private readonly hostnames = new Map<string, Promise<string>>();
  private listening = false;

  constructor(private readonly o: SyslogTargetOptions) {
    const format = o.config.syslog_format || 'rfc5424';
    if (format !== 'rfc5424') {
      throw new SyslogConfigError(
        `syslog_format ${JSON.stringify(format)} is not supported by the Skald agent (only rfc5424)`,
      );
    }
    const protocol = o.config.listen_protocol || 'tcp';
    if (protocol !== 'tcp' && protocol !== 'udp') {
      throw new SyslogConfigError(`invalid transport protocol. expected 'tcp' or 'udp', got '${protocol}'`);
    }
  }

  get ready(): boolean {
    return this.listening;
  }

  /** The address actually listened on (useful with port 0). */
  get address(): AddressInfo | undefined {
    const a = this.server?.address() ?? this.udp?.address();
    return a && typeof a === 'object' ? (a as AddressInfo) : undefined;
  }

  private get maxMessageLength(): number {
    return this.o.config.max_message_length || DEFAULT_MAX_MESSAGE_LENGTH;
  }

  async start(): Promise<void> {
    const { host, port } = splitAddress(this.o.config.listen_address);
    if ((this.o.config.listen_protocol || 'tcp') === 'udp') {
      const udp = createSocket(host?.includes(':') ? 'udp6' : 'udp4');
      udp.on('message', (msg, rinfo) => {
        void this.handleMessage(msg.toString('utf8').replace(/\r?\n$/, ''), rinfo.address);
      });
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(port, host, () => resolve());
      });
      this.udp = udp;
    } else {
      const tls = this.o.config.tls_config;
      const useTls = tls.cert_file !== '' || tls.key_file !== '' || tls.ca_file !== '';
      let server: Server;
      if (useTls) {
        if (tls.cert_file === '' || tls.key_file === '') {
          throw new SyslogConfigError('error setting up syslog target: certificate and key files are required');
        }
        server = createTlsServer(
          {
            cert: readFileSync(tls.cert_file),
            key: readFileSync(tls.key_file),
            ca: tls.ca_file ? readFileSync(tls.ca_file) : undefined,
            requestCert: tls.ca_file !== '',
            rejectUnauthorized: tls.ca_file !== '',
          },
          (socket) => this.handleConnection(socket),
        );
      } else {
        server = createServer((socket) => this.handleConnection(socket));
      }
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      this.server = server;
    }
    this.listening = true;
    this.o.logger.info('syslog listening on address', {
      address: this.o.config.listen_address,
      protocol: this.o.config.listen_protocol || 'tcp',
    });
  }

  private handleConnection(socket: Socket): void {
    this.sockets.add(socket);
    const ip = socket.remoteAddress ?? '';
    socket.setTimeout(this.o.config.idle_timeout || DEFAULT_IDLE_TIMEOUT_MS, () => {
      this.o.logger.debug('connection timed out', { address: ip });
      socket.destroy();
    });
    // Messages of one connection are handled in order, each after its host name lookup.
    let chain: Promise<void> = Promise.resolve();
    const framer = new SyslogFramer(
      this.maxMessageLength,
      (text) => {
        chain = chain.then(() => this.handleMessage(text, ip));
      },
      (err) => this.parseError(err),
    );
    socket.on('data', (chunk: Buffer) => {
      try {
        framer.push(chunk);
      } catch (err) {
        this.parseError(err as Error);
        socket.destroy();
      }
    });
    socket.on('end', () => framer.end());
    socket.on('error', () => {});
    socket.on('close', () => this.sockets.delete(socket));
  }

  private parseError(err: Error): void {
    this.o.logger.warn('error parsing syslog stream', { err: err.message });
    this.o.metrics.syslogParsingErrors.inc();
  }

  private async handleMessage(text: string, ip: string): Promise<void> {
    let msg: SyslogMessage;
    try {
      msg = parseRfc5424(text);
    } catch (err) {
      this.parseError(err as Error);
      return;
    }
    if (msg.message === undefined) {
      this.o.metrics.syslogEmptyMessages.inc();
      return;
    }
    const labels = new Map(Object.entries(this.o.config.labels));
    labels.set('__syslog_connection_ip_address', ip);
    const hostname = await hostnameOf(ip, this.hostnames);
    if (hostname !== '') labels.set('__syslog_connection_hostname', hostname);
    labels.set('__syslog_message_severity', SEVERITY_LEVELS[msg.severity]!);
    labels.set('__syslog_message_facility', FACILITY_KEYWORDS[msg.facility]!);
    if (msg.hostname !== undefined) labels.set('__syslog_message_hostname', msg.hostname);
    if (msg.appName !== undefined) labels.set('__syslog_message_app_name', msg.appName);
    if (msg.procId !== undefined) labels.set('__syslog_message_proc_id', msg.procId);
    if (msg.msgId !== undefined) labels.set('__syslog_message_msg_id', msg.msgId);
    if (this.o.config.label_structured_data && msg.structuredData) {
      for (const [id, params] of msg.structuredData) {
        const sdId = id.replaceAll('@', '_');
        for (const [name, value] of params) labels.set(`__syslog_message_sd_${sdId}_${name}`, value);
      }
    }
    if (this.o.relabel.length > 0 && !relabel(this.o.relabel, labels)) return;
    const visible = LabelSet.fromEntries([...labels].filter(([n, v]) => !n.startsWith('__') && v !== ''));
    const ts = this.o.config.use_incoming_timestamp && msg.timestamp ? msg.timestamp : this.stamper.next();
    const line = this.o.config.use_rfc5424_message ? text : msg.message;
    this.o.handle(LogEntry.fromText(visible, ts, line));
    this.o.metrics.syslogEntries.inc();
  }

  async stop(): Promise<void> {
    this.listening = false;
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    if (this.udp) await new Promise<void>((resolve) => this.udp!.close(() => resolve()));
  }
}
