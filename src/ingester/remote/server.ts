// The ingester's gRPC service: what distributors and queriers in other
// processes call (proto/skald/ingester.proto). Pushes go into the local
// ingester as if the distributor were in this process; selects answer with
// the in-memory chunks themselves, so the querier's engine reads them as it
// reads local ones; tails forward the live entries of matching streams.
import {
  type ServerUnaryCall,
  type ServerWritableStream,
  status as Status,
  type sendUnaryData,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { PushEntry } from '../../distributor/push-request.js';
import { serviceDefinition } from '../../server/grpc/proto.js';
import { grpcError, isServiceError } from '../../server/grpc/server.js';
import type { Labels } from '../../util/labels.js';
import type { Logger } from '../../util/log.js';
import type { Ingester } from '../ingester.js';
import {
  compileRequestMatchers,
  type EmptyMsg,
  fromTimestamp,
  IngesterMethods,
  type PushRequestMsg,
  pushStreams,
  type SelectRequestMsg,
  type SelectResponseMsg,
  type SeriesResponseMsg,
  selectResponses,
  type TailRequestMsg,
  type TailResponseMsg,
} from './wire.js';

export interface IngesterServiceOptions {
  /** Target size of one select answer message (kept under server.grpc_server_max_send_msg_size). */
  batchBytes: number;
  logger: Logger;
}

/** Tail messages queued for one slow caller beyond which new entries are dropped (Loki drops too). */
const MAX_QUEUED_TAIL_MESSAGES = 1000;

/** The gRPC status for an HTTP status the ingester answered with. */
function codeFor(httpStatus: number): Status {
  if (httpStatus === 429) return Status.RESOURCE_EXHAUSTED;
  if (httpStatus === 503) return Status.UNAVAILABLE;
  if (httpStatus >= 400 && httpStatus < 500) return Status.INVALID_ARGUMENT;
  return Status.INTERNAL;
}

function asGrpcError(err: unknown) {
  if (isServiceError(err)) return err;
  const status = (err as { status?: unknown }).status;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof status === 'number') return grpcError(codeFor(status), message, status);
  return grpcError(Status.INTERNAL, message, 500);
}

export class IngesterService {
  private readonly tails = new Set<ServerWritableStream<TailRequestMsg, TailResponseMsg>>();
  readonly definition = serviceDefinition(IngesterMethods);

  constructor(
    private readonly ingester: Ingester,
    private readonly opts: IngesterServiceOptions,
  ) {}

  /** The handlers, keyed by method name, for grpc-js. */
  implementation(): UntypedServiceImplementation {
    return {
      Push: (call: ServerUnaryCall<PushRequestMsg, EmptyMsg>, cb: sendUnaryData<EmptyMsg>) => this.push(call, cb),
      Select: (call: ServerWritableStream<SelectRequestMsg, SelectResponseMsg>) => void this.select(call),
      Series: (call: ServerUnaryCall<SelectRequestMsg, SeriesResponseMsg>, cb: sendUnaryData<SeriesResponseMsg>) =>
        this.series(call, cb),
      Tail: (call: ServerWritableStream<TailRequestMsg, TailResponseMsg>) => this.tail(call),
    };
  }

  private push(call: ServerUnaryCall<PushRequestMsg, EmptyMsg>, cb: sendUnaryData<EmptyMsg>): void {
    let streams: ReturnType<typeof pushStreams>;
    try {
      streams = pushStreams(call.request);
    } catch (err) {
      cb(asGrpcError(err));
      return;
    }
    this.ingester.push(call.request.tenant, streams).then(
      () => cb(null, {}),
      (err: unknown) => cb(asGrpcError(err)),
    );
  }

  private async select(call: ServerWritableStream<SelectRequestMsg, SelectResponseMsg>): Promise<void> {
    try {
      const req = call.request;
      const views = this.ingester.select(
        req.tenant,
        compileRequestMatchers(req.matchers),
        fromTimestamp(req.from),
        fromTimestamp(req.through),
      );
      for (const msg of selectResponses(views, this.opts.batchBytes)) {
        if (call.cancelled) return;
        if (!call.write(msg)) await new Promise((resolve) => call.once('drain', resolve));
      }
      call.end();
    } catch (err) {
      call.emit('error', asGrpcError(err));
    }
  }

  private series(call: ServerUnaryCall<SelectRequestMsg, SeriesResponseMsg>, cb: sendUnaryData<SeriesResponseMsg>) {
    try {
      const req = call.request;
      const views = this.ingester.select(
        req.tenant,
        compileRequestMatchers(req.matchers),
        fromTimestamp(req.from),
        fromTimestamp(req.through),
      );
      cb(null, { streams: views.map((v) => ({ key: v.key, labels: v.labels })) });
    } catch (err) {
      cb(asGrpcError(err));
    }
  }

  private tail(call: ServerWritableStream<TailRequestMsg, TailResponseMsg>): void {
    let matchers: ReturnType<typeof compileRequestMatchers>;
    try {
      matchers = compileRequestMatchers(call.request.matchers);
    } catch (err) {
      call.emit('error', asGrpcError(err));
      return;
    }
    let dropped = 0;
    const onEntries = (labels: Labels, key: string, entries: readonly PushEntry[]): void => {
      if (call.cancelled || call.destroyed) return;
      if (call.writableLength >= MAX_QUEUED_TAIL_MESSAGES) {
        dropped += entries.length;
        return;
      }
      // Lines are views of the push request: copy what is queued.
      const copies = entries.map((e) => ({ ...e, line: Buffer.from(e.line) }));
      call.write({ streams: [{ key, labels, entries: copies }], droppedEntries: dropped });
      dropped = 0;
    };
    const unsubscribe = this.ingester.tails.subscribe(call.request.tenant, { matchers, onEntries });
    this.tails.add(call);
    const done = () => {
      unsubscribe();
      this.tails.delete(call);
    };
    call.on('cancelled', done);
    call.on('close', done);
    call.on('finish', done);
  }

  /** Ends every running tail (the ingester is going away; queriers reconnect to the others). */
  closeTails(): void {
    for (const call of [...this.tails]) call.end();
    this.tails.clear();
  }
}
