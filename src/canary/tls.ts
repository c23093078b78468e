// TLS settings for the connection to Loki, from loki-canary's -tls, -ca-file, -cert-file,
// -key-file and -insecure: the files are read once at start-up so that a bad path stops the
// canary with a clear message instead of failing every request.

import { readFileSync } from 'node:fs';

export interface TlsFlags {
  readonly useTls: boolean;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly insecureSkipVerify: boolean;
}

/** Options for Node's TLS client (https requests and wss connections). */
export interface TlsClientOptions {
  /** Trusted roots; replaces the system's, as a Go tls.Config with RootCAs does. */
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly rejectUnauthorized: boolean;
}

/** Reads the configured files; undefined when the system's defaults apply. Throws with the reason. */
export function loadTlsOptions(flags: TlsFlags): TlsClientOptions | undefined {
  const anyFile = flags.caFile !== '' || flags.certFile !== '' || flags.keyFile !== '';
  if (!anyFile && !(flags.useTls && flags.insecureSkipVerify)) return undefined;
  if (flags.certFile !== '' && flags.keyFile === '') {
    throw new Error(`client cert file ${JSON.stringify(flags.certFile)} specified without client key file`);
  }
  if (flags.keyFile !== '' && flags.certFile === '') {
    throw new Error(`client key file ${JSON.stringify(flags.keyFile)} specified without client cert file`);
  }
  const options: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean } = {
    rejectUnauthorized: !flags.insecureSkipVerify,
  };
  if (flags.caFile !== '') {
    options.ca = readOrExplain(flags.caFile, (reason) => `unable to load specified CA cert ${flags.caFile}: ${reason}`);
  }
  if (flags.certFile !== '') {
    const explain = (reason: string) =>
      `unable to use specified client cert (${flags.certFile}) & key (${flags.keyFile}): ${reason}`;
    options.cert = readOrExplain(flags.certFile, explain);
    options.key = readOrExplain(flags.keyFile, explain);
  }
  return options;
}

function readOrExplain(file: string, explain: (reason: string) => string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Go's os.PathError wording, which loki-canary's messages carry.
    const reason =
      code === 'ENOENT'
        ? `open ${file}: no such file or directory`
        : code === 'EACCES'
          ? `open ${file}: permission denied`
          : (err as Error).message;
    throw new Error(explain(reason));
  }
}
