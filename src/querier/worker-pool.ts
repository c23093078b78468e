// A pool of worker threads for CPU-bound query work. Each worker runs one
// task at a time; tasks queue when all are busy. A task can be cancelled (the
// worker is told, and the caller's promise rejects at once). A worker that
// dies is replaced.
import { availableParallelism } from 'node:os';
import { type TransferListItem, Worker } from 'node:worker_threads';

/**
 * What each worker gets beyond the pool's workerData, made anew for every
 * worker started (and restarted): ports cannot be shared between workers.
 */
export type PerWorkerData = () => { data: Record<string, unknown>; transferList: TransferListItem[] };

interface Envelope {
  id: number;
  ok?: unknown;
  err?: { name: string; message: string; status?: number };
}

interface Pending {
  id: number;
  task: unknown;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
  worker?: Slot;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
}

/** An error thrown in a worker, with its HTTP status when it was a client error. */
export class WorkerTaskError extends Error {
  constructor(
    name: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = name;
  }
}

/** One worker per core beyond the first: the main thread reads a share of every query too. */
export function defaultPoolSize(): number {
  return Math.max(0, Math.min(availableParallelism() - 1, 8));
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly script: URL,
    readonly size: number,
    private readonly workerData: unknown,
    private readonly perWorker?: PerWorkerData,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    // Sources run through tsx in development and tests; compiled JavaScript needs no loader.
    const execArgv = this.script.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const own = this.perWorker?.();
    const worker = new Worker(this.script, {
      workerData: own ? { ...(this.workerData as object), ...own.data } : this.workerData,
      transferList: own?.transferList,
      execArgv,
    });
    worker.unref();
    const slot: Slot = { worker, busy: null };
    worker.on('message', (m: Envelope) => this.settle(slot, m));
    worker.on('error', (err) => this.fail(slot, err));
    worker.on('exit', () => {
      if (this.closed) return;
      this.fail(slot, new Error('query worker exited'));
    });
    return slot;
  }

  private fail(slot: Slot, err: Error): void {
    const p = slot.busy;
    slot.busy = null;
    const i = this.slots.indexOf(slot);
    if (i >= 0 && !this.closed) {
      void slot.worker.terminate();
      this.slots[i] = this.spawn();
    }
    if (p) this.finish(p, undefined, err);
    this.dispatch();
  }

  private settle(slot: Slot, m: Envelope): void {
    const p = slot.busy;
    slot.busy = null;
    if (p && p.id === m.id) {
      if (m.err) this.finish(p, undefined, new WorkerTaskError(m.err.name, m.err.message, m.err.status));
      else this.finish(p, m.ok);
    }
    this.dispatch();
  }

  private finish(p: Pending, value: unknown, err?: Error): void {
    if (p.onAbort) p.signal?.removeEventListener('abort', p.onAbort);
    if (err) p.reject(err);
    else p.resolve(value);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const p = this.queue.shift();
      if (!p) return;
      slot.busy = p;
      p.worker = slot;
      slot.worker.postMessage({ id: p.id, task: p.task });
    }
  }

  /** Runs a task on the next free worker. */
  run<T>(task: unknown, signal?: AbortSignal): Promise<T> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    return new Promise<T>((resolve, reject) => {
      const p: Pending = { id: this.nextId++, task, resolve: resolve as (v: unknown) => void, reject, signal };
      if (signal) {
        if (signal.aborted) {
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
          return;
        }
        p.onAbort = () => {
          const q = this.queue.indexOf(p);
          if (q >= 0) this.queue.splice(q, 1);
          else p.worker?.worker.postMessage({ cancel: p.id });
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        };
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.queue.push(p);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('worker pool is closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
