// Operational endpoints: readiness, metrics, configuration, services, build
// information, flushing and the log level, with Loki's paths and answers.
import type { Registry } from 'prom-client';
import { configureLogging, isLogLevel, logLevel } from '../../util/log.js';
import { BRANCH, BUILD_DATE, buildInfoVersion, REVISION } from '../../version.js';
import { readForm } from '../body.js';
import { HttpError } from '../http-error.js';
import { sendBody, sendError, sendJSON, sendNoContent, sendText } from '../respond.js';
import type { Router } from '../router.js';

export interface ServiceState {
  name: string;
  state: () => 'New' | 'Starting' | 'Running' | 'Stopping' | 'Terminated' | 'Failed';
}

export interface OpsRouteDeps {
  registry: Registry;
  services: readonly ServiceState[];
  /** Readiness beyond services running (e.g. WAL replayed); the reason when not ready. */
  notReadyReason: () => string | null;
  renderConfig: (mode: 'all' | 'diff' | 'defaults') => string;
  /** The runtime overrides as YAML; null when no runtime file is configured. */
  renderRuntimeConfig: (mode: 'all' | 'diff') => string | null;
  flush?: () => Promise<void>;
  shutdownIngester?: (flush: boolean) => Promise<void>;
}

export function registerOpsRoutes(router: Router, deps: OpsRouteDeps): void {
  router.add(['GET'], '/ready', (ctx) => {
    const notRunning = deps.services.filter((s) => s.state() !== 'Running');
    if (notRunning.length > 0) {
      const stopping = notRunning.some((s) => s.state() === 'Stopping' || s.state() === 'Terminated');
      sendError(
        ctx,
        503,
        stopping
          ? 'Application is stopping'
          : `Some services are not Running:\n${notRunning.map((s) => `${s.state()}: 1`).join('\n')}`,
      );
      return;
    }
    const reason = deps.notReadyReason();
    if (reason) {
      sendError(ctx, 503, reason);
      return;
    }
    sendText(ctx, 'ready\n');
  });

  router.add(['GET'], '/metrics', async (ctx) => {
    sendBody(ctx, 200, deps.registry.contentType, await deps.registry.metrics());
  });

  router.add(['GET'], '/config', (ctx) => {
    const mode = ctx.url.searchParams.get('mode');
    const m = mode === 'diff' || mode === 'diffs' ? 'diff' : mode === 'defaults' ? 'defaults' : 'all';
    sendBody(ctx, 200, 'text/plain; charset=utf-8', deps.renderConfig(m));
  });

  router.add(['GET'], '/runtime_config', (ctx) => {
    const body = deps.renderRuntimeConfig(ctx.url.searchParams.get('mode') === 'diff' ? 'diff' : 'all');
    if (body === null) sendText(ctx, "runtime config file doesn't exist");
    else sendBody(ctx, 200, 'text/plain; charset=utf-8', body);
  });

  router.add(['GET'], '/services', (ctx) => {
    sendText(ctx, `${deps.services.map((s) => `${s.name} => ${s.state()}`).join('\n')}\n`);
  });

  router.add(['GET'], '/loki/api/v1/status/buildinfo', (ctx) => {
    sendJSON(ctx, {
      version: buildInfoVersion(),
      revision: REVISION,
      branch: BRANCH,
      buildUser: 'skald',
      buildDate: BUILD_DATE,
      goVersion: `node${process.versions.node}`,
    });
  });

  router.add(['GET', 'POST'], '/log_level', async (ctx) => {
    if (ctx.req.method === 'POST') {
      const form = await readForm(ctx);
      const level = form.get('log_level') ?? '';
      if (!isLogLevel(level)) throw new HttpError(400, `invalid log level: ${level}`);
      configureLogging({ level });
    }
    sendJSON(ctx, { status: 'success', message: `Current log level is ${logLevel()}` });
  });

  const flush = deps.flush;
  if (flush) {
    router.add(['GET', 'POST'], '/flush', async (ctx) => {
      await flush();
      sendNoContent(ctx);
    });
  }
  const shutdown = deps.shutdownIngester;
  if (shutdown) {
    router.add(['GET', 'POST'], '/ingester/shutdown', async (ctx) => {
      const f = ctx.url.searchParams.get('flush');
      await shutdown(f === null || f === 'true');
      sendNoContent(ctx);
    });
  }
}
