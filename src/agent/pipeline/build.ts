// Builds a pipeline from a scrape config's `pipeline_stages`: a list of
// one-key mappings (`- regex: {...}`), each naming a stage type.
//
// Stage implementations are loaded when a configuration uses them: the
// template, match and decolorize stages bring in the Go template engine and
// the LogQL parser, which an agent running only the cri stage (the Helm
// chart's default) should not carry in memory.
import { ConfigNode } from '../config/config-node.js';
import { Pipeline } from './pipeline.js';
import type { Stage, StageContext } from './stage.js';
import { StageConfigError, StageOptions } from './stage-options.js';

export class PipelineConfigError extends Error {
  override name = 'PipelineConfigError';
}

type StageBuilder = (ctx: StageContext, node: ConfigNode) => Stage | Promise<Stage>;

const opts = (name: string, node: ConfigNode) => new StageOptions(name, node);

const LOADERS: Readonly<Record<string, () => Promise<StageBuilder>>> = {
  docker: async () => {
    const { dockerStage } = await import('./stages/docker.js');
    return (ctx) => dockerStage(ctx);
  },
  cri: async () => {
    const { CriStage } = await import('./stages/cri.js');
    return (ctx, node) => CriStage.fromOptions(ctx, opts('cri', node));
  },
  regex: async () => {
    const { RegexStage } = await import('./stages/regex.js');
    return (_ctx, node) => RegexStage.fromOptions(opts('regex', node));
  },
  json: async () => {
    const { JsonStage } = await import('./stages/json.js');
    return (ctx, node) => JsonStage.fromOptions(ctx, opts('json', node));
  },
  logfmt: async () => {
    const { LogfmtStage } = await import('./stages/logfmt.js');
    return (ctx, node) => LogfmtStage.fromOptions(ctx, opts('logfmt', node));
  },
  replace: async () => {
    const { ReplaceStage } = await import('./stages/replace.js');
    return (ctx, node) => ReplaceStage.fromOptions(ctx, opts('replace', node));
  },
  template: async () => {
    const { TemplateStage } = await import('./stages/template.js');
    return (ctx, node) => TemplateStage.fromOptions(ctx, opts('template', node));
  },
  labels: async () => {
    const { LabelsStage, readLabelSources } = await import('./stages/labels.js');
    return (_ctx, node) => new LabelsStage(readLabelSources(node, 'labels'));
  },
  structured_metadata: async () => {
    const { StructuredMetadataStage, readLabelSources } = await import('./stages/labels.js');
    return (_ctx, node) => new StructuredMetadataStage(readLabelSources(node, 'structured_metadata'));
  },
  non_indexed_labels: async () => {
    const { StructuredMetadataStage, readLabelSources } = await import('./stages/labels.js');
    return (_ctx, node) => new StructuredMetadataStage(readLabelSources(node, 'non_indexed_labels'));
  },
  static_labels: async () => {
    const { StaticLabelsStage } = await import('./stages/static-labels.js');
    return (_ctx, node) => StaticLabelsStage.fromNode(node);
  },
  labeldrop: async () => {
    const { LabelDropStage, readLabelList } = await import('./stages/label-filter.js');
    return (_ctx, node) => new LabelDropStage(readLabelList(node, 'labeldrop'));
  },
  labelallow: async () => {
    const { LabelAllowStage, readLabelList } = await import('./stages/label-filter.js');
    return (_ctx, node) => new LabelAllowStage(readLabelList(node, 'labelallow'));
  },
  timestamp: async () => {
    const { TimestampStage } = await import('./stages/timestamp.js');
    return (_ctx, node) => TimestampStage.fromOptions(opts('timestamp', node));
  },
  output: async () => {
    const { OutputStage } = await import('./stages/output.js');
    return (_ctx, node) => OutputStage.fromOptions(opts('output', node));
  },
  match: async () => {
    const { MatchStage } = await import('./stages/match.js');
    return async (ctx, node) => {
      const m = MatchStage.readOptions(ctx, opts('match', node));
      const nested = m.stages ? await buildPipeline(m.stages, { ...ctx, jobName: m.jobName }) : undefined;
      return new MatchStage(ctx, m.options, nested);
    };
  },
  drop: async () => {
    const { DropStage } = await import('./stages/drop.js');
    return (ctx, node) => DropStage.fromOptions(ctx, opts('drop', node));
  },
  limit: async () => {
    const { LimitStage } = await import('./stages/limit.js');
    return (ctx, node) => LimitStage.fromOptions(ctx, opts('limit', node));
  },
  multiline: async () => {
    const { MultilineStage } = await import('./stages/multiline.js');
    return (_ctx, node) => MultilineStage.fromOptions(opts('multiline', node));
  },
  pack: async () => {
    const { PackStage } = await import('./stages/pack.js');
    return (_ctx, node) => PackStage.fromOptions(opts('pack', node));
  },
  tenant: async () => {
    const { TenantStage } = await import('./stages/tenant.js');
    return (_ctx, node) => TenantStage.fromOptions(opts('tenant', node));
  },
  metrics: async () => {
    const { MetricsStage } = await import('./stages/metrics.js');
    return (ctx, node) => MetricsStage.fromNode(ctx, node);
  },
  sampling: async () => {
    const { SamplingStage } = await import('./stages/sampling.js');
    return (ctx, node) => SamplingStage.fromOptions(ctx, opts('sampling', node));
  },
  decolorize: async () => {
    const { DecolorizeStage } = await import('./stages/decolorize.js');
    return () => new DecolorizeStage();
  },
};

/** Stage types Promtail has that this agent does not implement. */
const UNSUPPORTED = new Set(['geoip', 'eventlogmessage']);

function describe(node: ConfigNode): string {
  const v = node.toJSON();
  return typeof v === 'string' ? v : JSON.stringify(v);
}

async function buildStage(item: ConfigNode, ctx: StageContext): Promise<Stage> {
  if (item.kind !== 'map') {
    throw new PipelineConfigError(
      `line ${item.line}: invalid YAML config, make sure each stage of your pipeline is a YAML object (must end with a \`:\`), check stage \`- ${describe(item)}\``,
    );
  }
  const entries = item.entries();
  if (entries.length !== 1)
    throw new PipelineConfigError(`line ${item.line}: pipeline stage must contain only one key`);
  const { key: type, keyLine, value } = entries[0]!;
  const load = LOADERS[type];
  if (!load) {
    if (UNSUPPORTED.has(type)) {
      throw new PipelineConfigError(`line ${keyLine}: the ${type} stage is not supported by the Skald agent`);
    }
    throw new PipelineConfigError(`line ${keyLine}: Unknown stage type: ${type}`);
  }
  const build = await load();
  try {
    return await build(ctx, value);
  } catch (err) {
    if (err instanceof PipelineConfigError) throw err;
    if (!(err instanceof StageConfigError)) throw err;
    const where = err.message.startsWith('line ') ? '' : `line ${keyLine}: `;
    throw new PipelineConfigError(`${where}invalid ${type} stage config: ${err.message}`);
  }
}

/** Builds the stages of a `pipeline_stages` node (null or absent: an empty pipeline). */
export async function buildPipeline(node: ConfigNode | null | undefined, ctx: StageContext): Promise<Pipeline> {
  if (!node || node.kind === 'null') return new Pipeline([]);
  if (node.kind !== 'seq') throw new PipelineConfigError(`line ${node.line}: pipeline_stages must be a list of stages`);
  const stages: Stage[] = [];
  for (const item of node.items()) stages.push(await buildStage(item, ctx));
  return new Pipeline(stages);
}

/** Builds a pipeline from YAML text (a list of stages), as tests write them. */
export function pipelineFromYaml(yaml: string, ctx: StageContext): Promise<Pipeline> {
  return buildPipeline(ConfigNode.parse(yaml), ctx);
}
