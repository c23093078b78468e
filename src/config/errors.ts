// Start-up failures of config loading, carrying the text to print and the exit code, so the
// entry point only has to print and exit.

export type ConfigErrorKind =
  /** A command-line mistake (exit code 2, like Go's flag package). */
  | 'flags'
  /** The file could not be read or decoded, or `common` could not be applied (Loki: "failed parsing config"). */
  | 'parse'
  /** The config decoded but is invalid (Loki logs it as `msg="validating config"`). */
  | 'validate';

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly kind: ConfigErrorKind,
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** `-help` or `-version`: print `output` to `stream` and exit with `exitCode`. */
export class CommandLineExit extends Error {
  override name = 'CommandLineExit';
  constructor(
    readonly output: string,
    readonly stream: 'stdout' | 'stderr',
    readonly exitCode: number,
  ) {
    super(output);
  }
}
