// A part file of a parallel export: written as `<name>.tmp`, fsynced, and
// renamed to `<name>` only when its range is complete, so that a finished part
// is never confused with one cut short and a rerun can skip finished parts.
import { type FileHandle, open, rename, stat } from 'node:fs/promises';

export class PartFile {
  private handle: FileHandle | null = null;

  constructor(readonly finalName: string) {}

  get tempName(): string {
    return `${this.finalName}.tmp`;
  }

  /** Whether the completed part is already there. */
  async exists(): Promise<boolean> {
    try {
      await stat(this.finalName);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new Error(`failed to check if part file exists: ${this.finalName}: ${(err as Error).message}`);
    }
  }

  async createTempFile(): Promise<void> {
    try {
      this.handle = await open(this.tempName, 'w');
    } catch (err) {
      throw new Error(`failed to create part file: ${this.tempName}: ${(err as Error).message}`);
    }
  }

  async write(text: string): Promise<void> {
    if (!this.handle) throw new Error(`part file ${this.tempName} is not open`);
    await this.handle.write(text);
  }

  /** Flushes to disk and closes; closing twice is harmless. */
  async close(): Promise<void> {
    const h = this.handle;
    if (!h) return;
    this.handle = null;
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  }

  /** Closes the temporary file and gives it its final name. */
  async finalize(): Promise<void> {
    await this.close();
    try {
      await rename(this.tempName, this.finalName);
    } catch (err) {
      throw new Error(`failed to rename part file: ${this.tempName}: ${(err as Error).message}`);
    }
  }
}
