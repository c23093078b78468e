// Validation of pushed streams and entries, with Loki's rules, order, reasons
// and messages (pkg/distributor/validator.go): label checks reject a whole
// stream, entry checks reject single entries, and the rest of the request is
// still accepted.
import { type DiscardMetrics, type DiscardReason, Reason } from '../limits/discarded.js';
import { Messages } from '../messages.js';
import type { Labels } from '../util/labels.js';
import { formatRFC3339, NS_PER_MS, secNanosToNs } from '../util/time.js';
import { entrySize, type PushEntry } from './push-request.js';

/** The `limits_config` values validation reads (durations in ms, sizes in bytes). */
export interface ValidationLimits {
  reject_old_samples: boolean;
  reject_old_samples_max_age: number;
  creation_grace_period: number;
  max_line_size: number;
  max_line_size_truncate: boolean;
  max_line_size_truncate_identifier: string;
  max_label_names_per_series: number;
  max_label_name_length: number;
  max_label_value_length: number;
  allow_structured_metadata: boolean;
  max_structured_metadata_size: number;
  max_structured_metadata_entries_count: number;
  increment_duplicate_timestamp: boolean;
}

export const SERVICE_NAME_LABEL = 'service_name';

/** Collects validation errors the way Loki's GroupedErrors prints them. */
export class GroupedErrors {
  private readonly counts = new Map<string, number>();

  add(msg: string): void {
    this.counts.set(msg, (this.counts.get(msg) ?? 0) + 1);
  }

  get empty(): boolean {
    return this.counts.size === 0;
  }

  toString(): string {
    const parts: string[] = [];
    const several = this.counts.size > 1;
    for (const [msg, n] of this.counts) parts.push(several || n > 1 ? `${n} errors like: ${msg}` : msg);
    return parts.join('; ');
  }
}

export interface ValidationContext {
  tenant: string;
  limits: ValidationLimits;
  /** Entries older than this (ns) are too old, when reject_old_samples is on. */
  oldestNs: bigint;
  /** Entries newer than this (ns) are too new. */
  newestNs: bigint;
  errors: GroupedErrors;
  discarded: DiscardMetrics;
}

export function validationContext(
  tenant: string,
  limits: ValidationLimits,
  nowMs: number,
  discarded: DiscardMetrics,
): ValidationContext {
  return {
    tenant,
    limits,
    oldestNs: BigInt(nowMs - limits.reject_old_samples_max_age) * NS_PER_MS,
    newestNs: BigInt(nowMs + limits.creation_grace_period) * NS_PER_MS,
    errors: new GroupedErrors(),
    discarded,
  };
}

function totalSize(entries: readonly PushEntry[]): number {
  let n = 0;
  for (const e of entries) n += entrySize(e);
  return n;
}

/** Checks a stream's labels; on failure records the error and discards all its entries. */
export function validateLabels(
  ctx: ValidationContext,
  labels: Labels,
  key: string,
  entries: readonly PushEntry[],
): boolean {
  const fail = (reason: DiscardReason, msg: string): boolean => {
    ctx.errors.add(msg);
    ctx.discarded.add(reason, ctx.tenant, entries.length, totalSize(entries));
    return false;
  };
  if (labels.length === 0) return fail(Reason.MissingLabels, Messages.missingLabels);
  let names = labels.length;
  // service_name is often added by Loki's own pipeline, so it does not count (as in Loki).
  if (labels.some((l) => l.name === SERVICE_NAME_LABEL)) names--;
  const lim = ctx.limits;
  if (names > lim.max_label_names_per_series)
    return fail(Reason.MaxLabelNamesPerSeries, Messages.tooManyLabels(key, names, lim.max_label_names_per_series));
  let last = '';
  for (const l of labels) {
    if (l.name.length > lim.max_label_name_length)
      return fail(Reason.LabelNameTooLong, Messages.labelNameTooLong(key, l.name));
    if (l.value.length > lim.max_label_value_length && Buffer.byteLength(l.value) > lim.max_label_value_length)
      return fail(Reason.LabelValueTooLong, Messages.labelValueTooLong(key, l.value));
    if (l.name === last) return fail(Reason.DuplicateLabelNames, Messages.duplicateLabelName(key, l.name));
    last = l.name;
  }
  return true;
}

/**
 * Filters a stream's entries in place to the valid ones, recording an error
 * per invalid entry. Lines over max_line_size are truncated instead when
 * max_line_size_truncate is set.
 */
export function validateEntries(ctx: ValidationContext, key: string, entries: PushEntry[]): PushEntry[] {
  const lim = ctx.limits;
  const out: PushEntry[] = [];
  let prev: PushEntry | null = null;
  for (const e of entries) {
    if (lim.max_line_size_truncate && lim.max_line_size > 0 && e.line.length > lim.max_line_size) {
      // Cut to leave room for the identifier (as Loki; no room, no cut: the line is then refused).
      const suffix = lim.max_line_size_truncate_identifier;
      const keep = lim.max_line_size - Buffer.byteLength(suffix);
      if (keep > 0) {
        ctx.discarded.mutated(Reason.LineTooLong, ctx.tenant, 1, e.line.length - keep);
        e.line = suffix ? Buffer.concat([e.line.subarray(0, keep), Buffer.from(suffix)]) : e.line.subarray(0, keep);
      }
    }
    const err = validateEntry(ctx, key, e);
    if (err) {
      ctx.errors.add(err.msg);
      ctx.discarded.add(err.reason, ctx.tenant, 1, entrySize(e));
      continue;
    }
    // increment_duplicate_timestamp: same time, different line -> one nanosecond later (as Loki).
    if (
      lim.increment_duplicate_timestamp &&
      prev &&
      prev.sec === e.sec &&
      prev.nanos === e.nanos &&
      !prev.line.equals(e.line)
    ) {
      e.nanos = prev.nanos + 1;
      if (e.nanos === 1_000_000_000) {
        e.sec++;
        e.nanos = 0;
      }
    }
    prev = e;
    out.push(e);
  }
  return out;
}

function validateEntry(
  ctx: ValidationContext,
  key: string,
  e: PushEntry,
): { reason: DiscardReason; msg: string } | null {
  const lim = ctx.limits;
  const ts = secNanosToNs(e.sec, e.nanos);
  if (lim.reject_old_samples && ts < ctx.oldestNs) {
    return {
      reason: Reason.GreaterThanMaxSampleAge,
      msg: Messages.tooOld(key, formatRFC3339(ts), formatRFC3339(ctx.oldestNs)),
    };
  }
  if (ts > ctx.newestNs) return { reason: Reason.TooFarInFuture, msg: Messages.tooNew(key, formatRFC3339(ts)) };
  if (lim.max_line_size > 0 && e.line.length > lim.max_line_size) {
    return { reason: Reason.LineTooLong, msg: Messages.lineTooLong(lim.max_line_size, key, e.line.length) };
  }
  const sm = e.structuredMetadata;
  if (sm.length > 0) {
    if (!lim.allow_structured_metadata)
      return { reason: Reason.DisallowedStructuredMetadata, msg: Messages.disallowedStructuredMetadata(key) };
    let size = 0;
    for (const l of sm) size += Buffer.byteLength(l.name) + Buffer.byteLength(l.value);
    if (lim.max_structured_metadata_size > 0 && size > lim.max_structured_metadata_size) {
      return {
        reason: Reason.StructuredMetadataTooLarge,
        msg: Messages.structuredMetadataTooLarge(key, size, lim.max_structured_metadata_size),
      };
    }
    if (lim.max_structured_metadata_entries_count > 0 && sm.length > lim.max_structured_metadata_entries_count) {
      return {
        reason: Reason.StructuredMetadataTooMany,
        msg: Messages.structuredMetadataTooMany(key, sm.length, lim.max_structured_metadata_entries_count),
      };
    }
  }
  return null;
}
