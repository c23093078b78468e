// `decolorize`: strips ANSI colour and cursor escape sequences from the
// line, with the same expression as LogQL's `| decolorize`.
import { DecolorizeStage as LogqlDecolorize } from '../../../logql/log/format-stages.js';
import type { LogEntry } from '../entry.js';
import { ProcessorStage } from '../stage.js';

export class DecolorizeStage extends ProcessorStage {
  readonly name = 'decolorize';
  private readonly stripper = new LogqlDecolorize();

  protected apply(entry: LogEntry): void {
    const line = entry.line;
    // Escape sequences start with ESC (0x1b) or, in UTF-8, C2 9B (U+009B).
    if (line.indexOf(0x1b) < 0 && line.indexOf(0x9b) < 0) return;
    const stripped = this.stripper.process(entry.lineText);
    if (stripped !== null) entry.lineText = stripped;
  }
}
