// A command-line parser with the exact rules and messages of Go's `flag` package, which Loki uses:
// `-name=value`, `-name value`, `--name=value`; boolean flags take no separate value (`-b`,
// `-b=false`); parsing stops at the first non-flag argument or after `--`; `-h`/`-help` ask for
// usage; everything else unknown is an error.

import { goQuote } from '../values/duration.js';

export interface FlagDefinition {
  readonly name: string;
  /** One-line description shown by -help. */
  readonly usage: string;
  /** Type word in -help output (`int`, `string`, `duration`, `value`; empty for booleans). */
  readonly typeName: string;
  /** Default as Go prints it in -help; empty or zero-like defaults are not shown. */
  readonly defValue: string;
  readonly isBool: boolean;
  /** Applies one occurrence of the flag; throws with the value type's own error text. */
  set(value: string): void;
}

/** The outcome of `-h`/`-help`: the caller prints usage and exits. */
export class HelpRequested extends Error {
  override name = 'HelpRequested';
  constructor() {
    super('flag: help requested');
  }
}

/** A command-line mistake; the message is what Go's flag package prints. */
export class FlagError extends Error {
  override name = 'FlagError';
}

export class FlagSet {
  private readonly flags = new Map<string, FlagDefinition>();

  constructor(readonly name: string) {}

  define(def: FlagDefinition): void {
    this.flags.set(def.name, def);
  }

  has(name: string): boolean {
    return this.flags.has(name);
  }

  lookup(name: string): FlagDefinition | undefined {
    return this.flags.get(name);
  }

  /** Parses args; returns the arguments left after the flags. Throws FlagError or HelpRequested. */
  parse(args: readonly string[], onSet?: (name: string) => void): string[] {
    let rest = [...args];
    while (rest.length > 0) {
      const s = rest[0]!;
      if (s.length < 2 || s[0] !== '-') break;
      let minuses = 1;
      if (s[1] === '-') {
        minuses = 2;
        if (s.length === 2) {
          rest = rest.slice(1);
          break;
        }
      }
      let name = s.slice(minuses);
      if (name.length === 0 || name[0] === '-' || name[0] === '=') throw new FlagError(`bad flag syntax: ${s}`);
      rest = rest.slice(1);
      let value = '';
      let hasValue = false;
      const eq = name.indexOf('=', 1);
      if (eq > 0) {
        value = name.slice(eq + 1);
        hasValue = true;
        name = name.slice(0, eq);
      }
      const flag = this.flags.get(name);
      if (!flag) {
        if (name === 'help' || name === 'h') throw new HelpRequested();
        throw new FlagError(`flag provided but not defined: -${name}`);
      }
      if (flag.isBool) {
        try {
          flag.set(hasValue ? value : 'true');
        } catch (err) {
          throw new FlagError(
            hasValue
              ? `invalid boolean value ${goQuote(value)} for -${name}: ${(err as Error).message}`
              : `invalid boolean flag ${name}: ${(err as Error).message}`,
          );
        }
      } else {
        if (!hasValue && rest.length > 0) {
          value = rest[0]!;
          rest = rest.slice(1);
          hasValue = true;
        }
        if (!hasValue) throw new FlagError(`flag needs an argument: -${name}`);
        try {
          flag.set(value);
        } catch (err) {
          throw new FlagError(`invalid value ${goQuote(value)} for flag -${name}: ${(err as Error).message}`);
        }
      }
      onSet?.(name);
    }
    return rest;
  }

  /** Go's `FlagSet.PrintDefaults` layout, flags sorted by name, under a `Usage of <name>:` line. */
  usage(): string {
    const lines = [`Usage of ${this.name}:`];
    for (const name of [...this.flags.keys()].sort()) {
      const flag = this.flags.get(name)!;
      let line = `  -${name}`;
      if (flag.typeName) line += ` ${flag.typeName}`;
      line += line.length <= 4 ? '\t' : '\n    \t';
      line += flag.usage.replaceAll('\n', '\n    \t');
      if (!isZeroDefault(flag)) {
        line += flag.typeName === 'string' ? ` (default ${goQuote(flag.defValue)})` : ` (default ${flag.defValue})`;
      }
      lines.push(line);
    }
    return `${lines.join('\n')}\n`;
  }
}

function isZeroDefault(flag: FlagDefinition): boolean {
  return ['', '0', 'false', '0s', '[]', '0B'].includes(flag.defValue);
}
