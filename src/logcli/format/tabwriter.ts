// Go's text/tabwriter (flags 0), which logcli uses for `--stats` and
// `series --analyze-labels`. Tab-terminated cells in consecutive lines form a
// column and are padded to the column's width; the last cell of a line is never
// part of a column. With '\t' as the pad character, widths are rounded up to
// the tab width and padding is written as tabs, exactly as Go does.

export interface TabwriterOptions {
  minwidth: number;
  tabwidth: number;
  padding: number;
  padchar: ' ' | '\t';
}

interface Cell {
  text: string;
  /** Width in runes (Go counts UTF-8 runes, escape sequences included). */
  width: number;
}

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

class Formatter {
  private out = '';
  private readonly widths: number[] = [];

  constructor(
    private readonly opts: TabwriterOptions,
    private readonly lines: Cell[][],
  ) {}

  run(): string {
    this.format(0, this.lines.length);
    return this.out;
  }

  private padding(textWidth: number, cellWidth: number): void {
    const { tabwidth, padchar } = this.opts;
    if (padchar === '\t') {
      if (tabwidth === 0) return;
      const rounded = Math.ceil(cellWidth / tabwidth) * tabwidth;
      this.out += '\t'.repeat(Math.ceil((rounded - textWidth) / tabwidth));
      return;
    }
    this.out += ' '.repeat(cellWidth - textWidth);
  }

  private writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i];
      line.forEach((c, j) => {
        this.out += c.text;
        if (j < this.widths.length) this.padding(c.width, this.widths[j]);
      });
      // The last buffered line is the unterminated one: no newline after it.
      if (i + 1 < this.lines.length) this.out += '\n';
    }
  }

  private format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let current = line0; current < line1; current++) {
      if (column >= this.lines[current].length - 1) continue;
      // A column block starts here: print the lines before it, then measure it.
      this.writeLines(line0, current);
      line0 = current;
      let width = this.opts.minwidth;
      for (; current < line1; current++) {
        const line = this.lines[current];
        if (column >= line.length - 1) break;
        width = Math.max(width, line[column].width + this.opts.padding);
      }
      this.widths.push(width);
      this.format(line0, current);
      this.widths.pop();
      line0 = current;
    }
    this.writeLines(line0, line1);
  }
}

/** Formats `text` as a Go tabwriter with these options would, then flushed. */
export function tabwrite(text: string, opts: TabwriterOptions): string {
  let out = '';
  let lines: Cell[][] = [[]];
  let cell = '';
  const flush = () => {
    out += new Formatter(opts, lines).run();
    lines = [[]];
  };
  for (const ch of text) {
    if (ch !== '\t' && ch !== '\n' && ch !== '\v' && ch !== '\f') {
      cell += ch;
      continue;
    }
    const line = lines[lines.length - 1];
    line.push({ text: cell, width: runeCount(cell) });
    cell = '';
    if (ch === '\n' || ch === '\f') {
      const cells = line.length;
      lines.push([]);
      // A line of one cell cannot affect later columns: Go flushes there.
      if (ch === '\f' || cells === 1) flush();
    }
  }
  if (cell !== '') lines[lines.length - 1].push({ text: cell, width: runeCount(cell) });
  flush();
  return out;
}
