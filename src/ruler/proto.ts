// Loki's stored form of a rule group in object storage: the protobuf
// rules.RuleGroupDesc (pkg/ruler/rulespb/rules.proto), so that Skald and Loki
// read each other's rule objects.
//
// `keep_firing_for` is not in Loki's message; Skald writes it as field 13 of
// RuleDesc (the number Cortex and Mimir use), which Loki skips as unknown.

import protobuf from 'protobufjs';
import { labelsFromRecord } from '../util/labels.js';
import type { RuleDesc, RuleGroupDesc } from './rule-group.js';

// google.protobuf.Duration, google.protobuf.Any and logproto.LegacyLabelPair are
// declared here with their field numbers, so no other .proto file is needed.
const PROTO = `
syntax = "proto3";
package skaldrules;

message Duration {
  int64 seconds = 1;
  int32 nanos = 2;
}

message Any {
  string type_url = 1;
  bytes value = 2;
}

message LabelPair {
  bytes name = 1;
  bytes value = 2;
}

message RuleGroupDesc {
  string name = 1;
  string namespace = 2;
  Duration interval = 3;
  repeated RuleDesc rules = 4;
  string user = 6;
  repeated Any options = 9;
  int64 limit = 10;
}

message RuleDesc {
  string expr = 1;
  string record = 2;
  string alert = 3;
  Duration for = 4;
  repeated LabelPair labels = 5;
  repeated LabelPair annotations = 6;
  Duration keep_firing_for = 13;
}
`;

// Resolved now: a field's int64 handling is fixed when it is resolved, and the push decoder may
// turn off protobufjs' Long support process-wide after this module loads.
const root = protobuf.parse(PROTO, { keepCase: true }).root.resolveAll();
const GroupType = root.lookupType('skaldrules.RuleGroupDesc');

interface WireDuration {
  seconds?: number;
  nanos?: number;
}
interface WirePair {
  name?: Uint8Array;
  value?: Uint8Array;
}
interface WireRule {
  expr?: string;
  record?: string;
  alert?: string;
  for?: WireDuration | null;
  keep_firing_for?: WireDuration | null;
  labels?: WirePair[];
  annotations?: WirePair[];
}
interface WireGroup {
  name?: string;
  namespace?: string;
  interval?: WireDuration | null;
  rules?: WireRule[];
  user?: string;
  limit?: number;
}

function toDuration(ms: number): WireDuration {
  const seconds = Math.trunc(ms / 1000);
  return setFields({ seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) });
}

function fromDuration(d: WireDuration | null | undefined): number {
  if (!d) return 0;
  return Number(d.seconds ?? 0) * 1000 + Number(d.nanos ?? 0) / 1e6;
}

const utf8 = (b: Uint8Array | undefined): string => (b ? Buffer.from(b).toString('utf8') : '');

function pairs(labels: RuleDesc['labels']): WirePair[] {
  return labels.map((l) => ({ name: Buffer.from(l.name), value: Buffer.from(l.value) }));
}

function fromPairs(list: WirePair[] | undefined): RuleDesc['labels'] {
  const record: Record<string, string> = {};
  for (const p of list ?? []) record[utf8(p.name)] = utf8(p.value);
  return labelsFromRecord(record);
}

/** Only the fields that are set, as Go's protobuf encoder leaves out proto3 zero values. */
function setFields<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '' && v !== 0 && v !== undefined)) as Partial<T>;
}

export function encodeRuleGroup(g: RuleGroupDesc): Buffer {
  const wire: WireGroup = {
    ...setFields({ name: g.name, namespace: g.namespace }),
    // gogoproto's non-nullable durations are always written, zero included.
    interval: toDuration(g.intervalMs),
    rules: g.rules.map((r) => ({
      ...setFields({ expr: r.expr, record: r.record, alert: r.alert }),
      for: toDuration(r.forMs),
      labels: pairs(r.labels),
      annotations: pairs(r.annotations),
      ...(r.keepFiringForMs !== 0 ? { keep_firing_for: toDuration(r.keepFiringForMs) } : {}),
    })),
    ...setFields({ user: g.user, limit: g.limit }),
  };
  // encode() of the plain object, not fromObject(): fromObject needs protobufjs' Long support,
  // which the push decoder turns off for the whole process.
  return Buffer.from(GroupType.encode(wire).finish());
}

export function decodeRuleGroup(buf: Uint8Array): RuleGroupDesc {
  const wire = GroupType.toObject(GroupType.decode(buf), { longs: Number, defaults: false }) as WireGroup;
  return {
    name: wire.name ?? '',
    namespace: wire.namespace ?? '',
    intervalMs: fromDuration(wire.interval),
    rules: (wire.rules ?? []).map((r) => ({
      expr: r.expr ?? '',
      record: r.record ?? '',
      alert: r.alert ?? '',
      forMs: fromDuration(r.for),
      keepFiringForMs: fromDuration(r.keep_firing_for),
      labels: fromPairs(r.labels),
      annotations: fromPairs(r.annotations),
    })),
    user: wire.user ?? '',
    limit: Number(wire.limit ?? 0),
  };
}
