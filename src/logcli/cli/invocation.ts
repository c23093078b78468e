// One run of a command: its command line, settings and where it writes.
import type { TimeZone } from '../format/time-zone.js';
import type { LogcliIO } from '../io.js';
import type { RunContext } from '../query/context.js';
import type { CommandLine } from './program.js';
import type { GlobalSettings, OptionReader } from './settings.js';

export interface Invocation {
  line: CommandLine;
  reader: OptionReader;
  globals: GlobalSettings;
  ctx: RunContext;
  io: LogcliIO;
  env: NodeJS.ProcessEnv;
  /** Go's time.Local: the zone of log prefixes and of local times in messages. */
  local: TimeZone;
}
