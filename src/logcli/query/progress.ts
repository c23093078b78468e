// A one-line progress bar for long exports, drawn on stderr only when stderr is
// a terminal and the results go elsewhere (a file or a pipe), so it never
// mixes with printed lines and never reaches a log file. It shows how much of
// the time range (or how many parallel parts) is done and how many lines
// have been written.
import type { StdLogger } from '../io.js';

export interface ProgressState {
  /** Between 0 and 1. */
  fraction: number;
  lines: number;
  elapsedMs: number;
  /** `3/40 parts`, when the work is split into parts. */
  parts?: { done: number; total: number };
}

function elapsedText(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${two(m)}:${two(s % 60)}`;
}

/** The bar's text for a terminal `columns` wide, e.g. `[=====>    ]  52%  3/6 parts  1204 lines  00:07`. */
export function renderProgress(state: ProgressState, columns: number): string {
  const fraction = Math.min(1, Math.max(0, state.fraction));
  const percent = `${String(Math.floor(fraction * 100)).padStart(3, ' ')}%`;
  const parts = state.parts ? `  ${state.parts.done}/${state.parts.total} parts` : '';
  const tail = `${percent}${parts}  ${state.lines} lines  ${elapsedText(state.elapsedMs)}`;
  const barWidth = Math.min(40, columns - tail.length - 4);
  if (barWidth < 10) return tail.slice(0, Math.max(0, columns - 1));
  const filled = Math.floor(fraction * barWidth);
  const bar = filled >= barWidth ? '='.repeat(barWidth) : `${'='.repeat(filled)}>${' '.repeat(barWidth - filled - 1)}`;
  return `[${bar}] ${tail}`;
}

/** Keeps the bar up to date through the logger, at most every `intervalMs`. */
export class ProgressBar {
  private lines = 0;
  private fraction = 0;
  private parts: { done: number; total: number } | undefined;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private readonly started: number;

  constructor(
    private readonly log: StdLogger,
    private readonly columns: number,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = 100,
  ) {
    this.started = now();
  }

  update(change: { lines?: number; fraction?: number; parts?: { done: number; total: number } }): void {
    this.lines += change.lines ?? 0;
    if (change.fraction !== undefined) this.fraction = change.fraction;
    if (change.parts) this.parts = change.parts;
    const t = this.now();
    if (t - this.lastDraw < this.intervalMs && this.fraction < 1) return;
    this.lastDraw = t;
    this.log.setStatus(
      renderProgress(
        { fraction: this.fraction, lines: this.lines, elapsedMs: t - this.started, parts: this.parts },
        this.columns,
      ),
    );
  }

  finish(): void {
    this.log.setStatus('');
  }
}
