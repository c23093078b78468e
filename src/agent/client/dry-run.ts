// `-dry-run`: entries are printed instead of sent, one per line as Promtail
// prints them: time, labels and line separated by tabs. Nothing is
// acknowledged to the positions file (it is not written in dry runs).
import { formatTime, GoTime, localLocation } from '../../logql/template/gotime.js';
import type { LogEntry } from '../pipeline/entry.js';
import type { EntrySink } from './manager.js';

const LAYOUT = '2006-01-02T15:04:05.999999999-0700';

export class DryRunPrinter implements EntrySink {
  private readonly local = localLocation();
  /** Lines are printed at once. */
  readonly copiesLines = true;

  constructor(private readonly write: (text: string) => void) {}

  /** What Promtail prints before the entries: the clients it would have sent to. */
  announce(clientsYaml: string[]): void {
    let out = 'Clients configured:\n';
    for (const c of clientsYaml) out += `----------------------\n${c}\n`;
    this.write(out);
  }

  handle(entry: LogEntry): void {
    const time = formatTime(new GoTime(entry.sec, entry.nanos, this.local), LAYOUT);
    this.write(`${time}\t${entry.labels.toString()}\t${entry.lineText}\n`);
    entry.ack.done();
  }

  async stop(): Promise<void> {}
}
