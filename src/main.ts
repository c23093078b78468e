// The `skald` command. Without a subcommand it runs the server with Loki's
// flags (`skald -config.file=loki.yaml -target=all`). Subcommands, loaded only
// when used: `skald agent` (Promtail-compatible shipper), `skald query`
// (logcli-compatible CLI), `skald canary` (loki-canary compatible).
//
// The server's modules are loaded only to run the server: importing them
// costs about 50 MB of memory (storage clients, gRPC, the query engine),
// which `skald agent` running beside every application must not carry.
import type { LoadedConfig } from './config/index.js';
import { configureLogging, isLogLevel, rootLogger } from './util/log.js';
import { VERSION } from './version.js';

async function runServer(args: string[]): Promise<number> {
  const { CommandLineExit, ConfigError, loadConfig, printConfigText } = await import('./config/index.js');
  const { App } = await import('./app/app.js');
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig(args, process.env);
  } catch (err) {
    if (err instanceof CommandLineExit) {
      let out = err.output.endsWith('\n') ? err.output : `${err.output}\n`;
      if (out.startsWith('Usage of skald:')) out += SUBCOMMAND_HELP;
      (err.stream === 'stdout' ? process.stdout : process.stderr).write(out);
      return err.exitCode;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
  const cfg = loaded.config;
  const level = String(cfg.server.log_level);
  configureLogging({
    level: isLogLevel(level) ? level : 'info',
    format: cfg.server.log_format === 'json' ? 'json' : 'logfmt',
  });
  const log = rootLogger.child({ caller: 'main' });
  if (loaded.printConfig) process.stderr.write(printConfigText(cfg, VERSION));
  for (const w of loaded.warnings) log.warn(w);
  if (loaded.verifyConfig) {
    log.info('config is valid');
    return 0;
  }

  const app = new App({ config: cfg, targets: loaded.target });
  let stopping: Promise<void> | null = null;
  const stop = (signal: string) => {
    if (stopping) return;
    log.info('received signal, shutting down', { signal });
    stopping = app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('error during shutdown', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  try {
    await app.start();
  } catch (err) {
    log.error('error starting Skald', { err: err instanceof Error ? err.message : String(err) });
    await app.stop().catch(() => undefined);
    return 1;
  }
  return -1; // keep running until a signal arrives
}

const SUBCOMMAND_HELP = `
Subcommands (each has its own -help):
  skald agent -config.file=promtail.yaml   ship log files, as Promtail
  skald query <command> ...                query from the command line, as logcli
  skald canary -addr=host:3100             check end to end that nothing is lost, as loki-canary
`;

/** Subcommands: each resolves to its exit code. */
const SUBCOMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  agent: async (args) => (await import('./agent/main.js')).runAgent(args, process.env),
  query: async (args) => (await import('./logcli/main.js')).runLogcli(args, process.env),
  canary: async (args) => (await import('./canary/main.js')).runCanary(args, process.env),
};

async function main(argv: string[]): Promise<void> {
  const sub = argv[0] !== undefined ? SUBCOMMANDS[argv[0]] : undefined;
  const code = sub ? await sub(argv.slice(1)) : await runServer(argv);
  if (code >= 0) await exitWhenFlushed(code);
}

/** Exits once stdout and stderr have taken everything written (piped output is written asynchronously). */
async function exitWhenFlushed(code: number): Promise<never> {
  await Promise.all(
    [process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write('', () => resolve()))),
  );
  process.exit(code);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
