// Where the canary's lines go: standard output for an agent to collect, or pushed to Loki.

/** A destination for text: process.stdout and process.stderr, or a buffer in tests. */
export interface TextSink {
  write(text: string): unknown;
}

export interface EntryWriter {
  /**
   * Hands one line over. Returns a promise when the writer cannot take the line yet (its queue is
   * full): the canary's writer waits for it and skips the ticks that fall meanwhile, as
   * loki-canary's writer blocks on a full channel.
   */
  writeEntry(tsNs: bigint, line: string): Promise<void> | undefined;
  stop(): Promise<void>;
}

/** Writes each line to a stream, for an agent tailing the canary's output to ship. */
export class StreamEntryWriter implements EntryWriter {
  constructor(private readonly out: TextSink) {}

  writeEntry(_tsNs: bigint, line: string): undefined {
    this.out.write(line);
    return undefined;
  }

  async stop(): Promise<void> {}
}
