// What every command needs while it runs: the client, stderr logging, the
// output streams and the colour setting.
import type { LokiClient } from '../client/client.js';
import type { Colorizer } from '../format/color.js';
import type { StdLogger, TextOutput } from '../io.js';

export interface RunContext {
  client: LokiClient;
  log: StdLogger;
  stdout: TextOutput;
  stderr: TextOutput;
  colors: Colorizer;
  /** --stats */
  statistics: boolean;
  signal?: AbortSignal;
}

/** Where formatted log lines go: stdout or a part file. */
export interface LineSink {
  write(text: string): Promise<void>;
}
