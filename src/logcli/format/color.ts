// Terminal colours as logcli writes them (github.com/fatih/color): on only when
// standard output is a terminal, NO_COLOR is unset or empty and TERM is not
// `dumb`, whichever stream the coloured text goes to.

/** SGR codes logcli uses. */
export const Ansi = {
  Bold: 1,
  Red: 31,
  Green: 32,
  Yellow: 33,
  Blue: 34,
  Magenta: 35,
  Cyan: 36,
  HiRed: 91,
  HiGreen: 92,
  HiYellow: 93,
  HiMagenta: 95,
  HiCyan: 96,
} as const;

export type Ansi = (typeof Ansi)[keyof typeof Ansi];

// Bold is reset with 22; colours with the generic 0.
const RESET: Partial<Record<number, number>> = { [Ansi.Bold]: 22 };

export class Colorizer {
  constructor(readonly enabled: boolean) {}

  paint(text: string, attr: Ansi): string {
    if (!this.enabled) return text;
    return `\x1b[${attr}m${text}\x1b[${RESET[attr] ?? 0}m`;
  }

  red(text: string): string {
    return this.paint(text, Ansi.Red);
  }

  blue(text: string): string {
    return this.paint(text, Ansi.Blue);
  }

  bold(text: string): string {
    return this.paint(text, Ansi.Bold);
  }
}

/** Whether fatih/color would colour output for this process. */
export function colorsEnabled(stdoutIsTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  return stdoutIsTTY && !env.NO_COLOR && env.TERM !== 'dumb';
}

// Blue is left out: timestamps are blue already.
const LABEL_COLORS: readonly Ansi[] = [
  Ansi.HiCyan,
  Ansi.Cyan,
  Ansi.HiGreen,
  Ansi.Green,
  Ansi.HiMagenta,
  Ansi.Magenta,
  Ansi.HiYellow,
  Ansi.Yellow,
  Ansi.HiRed,
  Ansi.Red,
];

/** FNV-1 (not 1a), 32 bits, over the UTF-8 bytes: the hash logcli picks label colours with. */
export function fnv1_32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash = Math.imul(hash, 0x01000193) >>> 0;
    hash = (hash ^ byte) >>> 0;
  }
  return hash;
}

/** `--colored-output`: each label set always gets the same colour. */
export function labelColor(labels: string): Ansi {
  return LABEL_COLORS[fnv1_32(labels) % LABEL_COLORS.length];
}
