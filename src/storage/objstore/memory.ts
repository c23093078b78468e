// An object store held in process memory: Loki's "inmemory" store type. Nothing
// survives a restart and nothing is shared between processes, so it is only
// fit for tests and for trying Skald out.
import { type ListResult, type ObjectAttributes, type ObjectClient, ObjectNotFoundError } from './client.js';
import { groupByDelimiter } from './listing.js';

interface StoredObject {
  body: Buffer;
  modifiedMs: number;
}

export class InMemoryObjectClient implements ObjectClient {
  readonly kind = 'inmemory';
  private readonly objects = new Map<string, StoredObject>();

  async getObject(key: string, signal?: AbortSignal): Promise<Buffer> {
    signal?.throwIfAborted();
    // Callers own the returned buffer; a copy keeps them from editing the store.
    return Buffer.from(this.find(key).body);
  }

  async getObjectRange(key: string, offset: number, length: number, signal?: AbortSignal): Promise<Buffer> {
    signal?.throwIfAborted();
    const { body } = this.find(key);
    const start = Math.min(offset, body.length);
    return Buffer.from(body.subarray(start, Math.min(body.length, start + Math.max(0, length))));
  }

  async putObject(key: string, body: Buffer): Promise<void> {
    this.objects.set(key, { body: Buffer.from(body), modifiedMs: Date.now() });
  }

  async deleteObject(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async headObject(key: string): Promise<ObjectAttributes | null> {
    const object = this.objects.get(key);
    return object ? { key, size: object.body.length, modifiedMs: object.modifiedMs } : null;
  }

  async list(prefix: string, delimiter?: string): Promise<ListResult> {
    const below: ObjectAttributes[] = [];
    for (const [key, object] of this.objects) {
      if (key.startsWith(prefix)) below.push({ key, size: object.body.length, modifiedMs: object.modifiedMs });
    }
    return groupByDelimiter(below, prefix, delimiter);
  }

  async stop(): Promise<void> {}

  private find(key: string): StoredObject {
    const object = this.objects.get(key);
    if (!object) throw new ObjectNotFoundError(key);
    return object;
  }
}
