// The configuration as YAML, for -print-config-stderr, /config and dry
// runs: keys in declaration order, durations as Go prints them (`1h0m0s`),
// byte sizes as `256KB`, secrets masked.
import { Document } from 'yaml';
import type { Spec } from '../../config/schema/dsl.js';
import { formatByteSize } from '../../config/values/bytesize.js';
import { formatGoDuration, formatPromDuration } from '../../config/values/duration.js';
import { agentConfigBlock } from './schema.js';
import type { AgentFileConfig, ClientConfig } from './types.js';

type Rendered = null | boolean | number | string | Rendered[] | { [key: string]: Rendered };

/** YAML text in the layout Loki and Promtail print their configuration with. */
function toYaml(data: Rendered): string {
  return new Document(data, { version: '1.1' }).toString({
    indentSeq: false,
    lineWidth: 0,
    minContentWidth: 0,
    defaultStringType: 'PLAIN',
    defaultKeyType: 'PLAIN',
    nullStr: 'null',
    doubleQuotedAsJSON: true,
  });
}

function renderValue(spec: Spec, value: unknown): Rendered {
  switch (spec.kind) {
    case 'block': {
      const out: { [key: string]: Rendered } = {};
      const obj = (value ?? {}) as Record<string, unknown>;
      for (const [key, field] of Object.entries(spec.fields)) out[key] = renderValue(field, obj[key]);
      return out;
    }
    case 'list':
      return ((value ?? []) as unknown[]).map((v) => renderValue(spec.elem, v));
    case 'map': {
      const out: { [key: string]: Rendered } = {};
      const obj = (value ?? {}) as Record<string, unknown>;
      for (const key of Object.keys(obj).sort()) out[key] = renderValue(spec.elem, obj[key]);
      return out;
    }
    case 'duration':
      return formatGoDuration(value as number);
    case 'model_duration':
      return formatPromDuration(value as number);
    case 'bytesize':
      return formatByteSize(value as number);
    case 'secret':
      return value === '' ? '' : '<secret>';
    case 'csv':
      return (value as string[]).join(',');
    case 'strings':
      return [...(value as string[])];
    case 'string_map': {
      const obj = value as Record<string, string>;
      const out: { [key: string]: Rendered } = {};
      for (const key of Object.keys(obj).sort()) out[key] = obj[key]!;
      return out;
    }
    case 'any':
      return value === undefined ? null : (value as Rendered);
    default:
      return value as Rendered;
  }
}

export function renderAgentConfig(config: AgentFileConfig): string {
  return toYaml(renderValue(agentConfigBlock, config));
}

export function renderClientConfig(client: ClientConfig): string {
  return toYaml(renderValue(agentConfigBlock.fields.client, client));
}
