// Skald's internal gRPC services, defined in proto/skald/*.proto and spoken
// with @grpc/grpc-js (Google's maintained, pure-JS gRPC; typed, with
// deadlines, connection management, keepalive and message limits) over
// messages encoded by protobufjs (already used for Loki's push protocol).
// protobufjs is used directly rather than through @grpc/proto-loader so that
// `bytes` fields decode to Buffers sliced from the message (no copy) and
// messages map onto Skald's own objects without a conversion pass.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';

// int64 fields decode to plain numbers: seconds and millisecond timestamps fit
// a double exactly (the push decoder configures protobufjs the same way).
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

function protoPath(name: string): string {
  for (const rel of [`../../../proto/skald/${name}`, `../../proto/skald/${name}`]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error(`cannot find proto/skald/${name}`);
}

const roots = new Map<string, protobuf.Root>();

/** A message type of one of Skald's .proto files. */
export function messageType(file: string, name: string): protobuf.Type {
  let root = roots.get(file);
  if (!root) {
    root = protobuf.loadSync(protoPath(file));
    roots.set(file, root);
  }
  return root.lookupType(name);
}

export interface Codec<T> {
  encode(value: T): Buffer;
  decode(buf: Buffer): T;
}

/**
 * Encodes and decodes values of type T with a protobuf message type. T names
 * the fields the code uses (camelCase, as protobufjs exposes them); the
 * message type is the authority on the wire.
 */
export function codecOf<T>(type: protobuf.Type): Codec<T> {
  return {
    encode: (value) => {
      const out = type.encode(value as unknown as Record<string, unknown>).finish();
      return Buffer.isBuffer(out) ? out : Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    },
    decode: (buf) => type.decode(buf) as unknown as T,
  };
}

export interface MethodSpec<Req, Res> {
  /** Full method path, `/package.Service/Method`. */
  readonly path: string;
  readonly request: Codec<Req>;
  readonly response: Codec<Res>;
  readonly responseStream: boolean;
}

export function methodSpec<Req, Res>(
  file: string,
  pkg: string,
  service: string,
  method: string,
  requestType: string,
  responseType: string,
  responseStream: boolean,
): MethodSpec<Req, Res> {
  return {
    path: `/${pkg}.${service}/${method}`,
    request: codecOf<Req>(messageType(file, `${pkg}.${requestType}`)),
    response: codecOf<Res>(messageType(file, `${pkg}.${responseType}`)),
    responseStream,
  };
}

/** grpc-js's service definition for a set of methods (keyed by method name). */
export function serviceDefinition(methods: Readonly<Record<string, MethodSpec<unknown, unknown>>>): ServiceDefinition {
  const def: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [name, m] of Object.entries(methods)) {
    def[name] = {
      path: m.path,
      requestStream: false,
      responseStream: m.responseStream,
      requestSerialize: m.request.encode,
      requestDeserialize: m.request.decode,
      responseSerialize: m.response.encode,
      responseDeserialize: m.response.decode,
      originalName: name,
    };
  }
  return def as ServiceDefinition;
}
