// Skald's version, and the Loki version whose API it implements (reported in
// buildinfo so that Grafana and other clients enable the matching features).
import { readFileSync } from 'node:fs';

function packageVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'skald' && pkg.version) return pkg.version;
    } catch {
      // try the next location (source tree vs. compiled tree)
    }
  }
  return '0.0.0';
}

export const VERSION = packageVersion();
/** The Loki release whose HTTP API, LogQL and configuration Skald follows. */
export const LOKI_COMPATIBLE_VERSION = '3.7.6';
export const REVISION = process.env.SKALD_REVISION ?? 'unknown';
export const BRANCH = process.env.SKALD_BRANCH ?? 'main';
export const BUILD_DATE = process.env.SKALD_BUILD_DATE ?? '';

/** `version` of /loki/api/v1/status/buildinfo: Loki's version with Skald's as semver build metadata. */
export function buildInfoVersion(): string {
  return `${LOKI_COMPATIBLE_VERSION}+skald.${VERSION}`;
}

export function versionText(): string {
  return `${[
    `skald, version ${VERSION} (branch: ${BRANCH}, revision: ${REVISION})`,
    `  compatible with: Loki ${LOKI_COMPATIBLE_VERSION}`,
    `  build date:      ${BUILD_DATE || 'unknown'}`,
    `  node version:    ${process.version}`,
    `  platform:        ${process.platform}/${process.arch}`,
  ].join('\n')}\n`;
}
