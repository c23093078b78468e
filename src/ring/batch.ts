// Quorum bookkeeping for calls over the ring (dskit's DoBatch and
// ReplicationSet.Do). A write of many keys sends each instance one request
// with every key it holds, and succeeds once each key reached its quorum; a
// read asks every instance and succeeds once enough of them answered.
import type { InstanceDesc } from './model.js';
import type { Operation, ReplicationSet } from './ring.js';

export interface KeyRing {
  get(key: number, op: Operation): ReplicationSet;
}

/**
 * Sends item i to the instances holding keys[i], one call per instance with
 * the indexes of its items. Resolves when every item succeeded on its
 * quorum (instances minus tolerated failures); rejects with the failure that
 * made an item's quorum impossible, or with the ring's error when an item
 * has too few healthy instances (then nothing is sent).
 */
export function doBatch(
  ring: KeyRing,
  op: Operation,
  keys: readonly number[],
  send: (instance: InstanceDesc, indexes: number[]) => Promise<void>,
): Promise<void> {
  if (keys.length === 0) return Promise.resolve();
  const minSuccess = new Int32Array(keys.length);
  const maxFailures = new Int32Array(keys.length);
  const succeeded = new Int32Array(keys.length);
  const failed = new Int32Array(keys.length);
  const byInstance = new Map<string, { instance: InstanceDesc; indexes: number[] }>();
  try {
    for (let i = 0; i < keys.length; i++) {
      const set = ring.get(keys[i]!, op);
      minSuccess[i] = set.instances.length - set.maxErrors;
      maxFailures[i] = set.maxErrors;
      for (const inst of set.instances) {
        let e = byInstance.get(inst.id);
        if (!e) {
          e = { instance: inst, indexes: [] };
          byInstance.set(inst.id, e);
        }
        e.indexes.push(i);
      }
    }
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise((resolve, reject) => {
    let pending = keys.length;
    let done = false;
    for (const { instance, indexes } of byInstance.values()) {
      send(instance, indexes).then(
        () => {
          for (const i of indexes) {
            if (++succeeded[i]! !== minSuccess[i]) continue;
            if (--pending === 0 && !done) {
              done = true;
              resolve();
            }
          }
        },
        (err: unknown) => {
          for (const i of indexes) {
            if (++failed[i]! <= maxFailures[i]!) continue;
            if (!done) {
              done = true;
              reject(err);
            }
          }
        },
      );
    }
  });
}

/**
 * Calls `fn` on every instance of the set at once and resolves with the
 * answers once all but `maxErrors` instances answered; the calls still
 * running are then aborted. Rejects with the error that exceeded
 * `maxErrors`.
 */
export function doQuorum<T>(
  set: ReplicationSet,
  fn: (instance: InstanceDesc, signal: AbortSignal) => Promise<T>,
  signal?: AbortSignal,
): Promise<T[]> {
  const need = set.instances.length - set.maxErrors;
  if (need <= 0) return Promise.resolve([]);
  const abort = new AbortController();
  const onAbort = () => abort.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  return new Promise<T[]>((resolve, reject) => {
    const results: T[] = [];
    let failures = 0;
    let done = false;
    const finish = (err: unknown, value?: T[]) => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', onAbort);
      abort.abort();
      if (err) reject(err);
      else resolve(value!);
    };
    for (const inst of set.instances) {
      fn(inst, abort.signal).then(
        (r) => {
          if (done) return;
          results.push(r);
          if (results.length >= need) finish(null, results);
        },
        (err: unknown) => {
          if (done) return;
          if (++failures > set.maxErrors) finish(err);
        },
      );
    }
  });
}
