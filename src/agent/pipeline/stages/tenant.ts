// `tenant`: routes the entry to a tenant taken from an extracted value, a
// label or a fixed value; the clients send it as X-Scope-OrgID.
import { TENANT_LABEL } from '../../labels/label-set.js';
import type { LogEntry } from '../entry.js';
import { ProcessorStage } from '../stage.js';
import { StageConfigError, type StageOptions } from '../stage-options.js';
import { tryString } from '../values.js';

export class TenantStage extends ProcessorStage {
  readonly name = 'tenant';

  constructor(private readonly from: { source: string } | { label: string } | { value: string }) {
    super();
  }

  static fromOptions(opts: StageOptions): TenantStage {
    const label = opts.string('label') ?? '';
    const source = opts.string('source') ?? '';
    const value = opts.string('value') ?? '';
    opts.finish();
    if (!source && !value && !label) throw new StageConfigError('label, source or value config are required');
    if ((source && value) || (label && value) || (source && label)) {
      throw new StageConfigError(
        'label, source and value are mutually exclusive: you should set source, value or label but not all',
      );
    }
    return new TenantStage(source ? { source } : label ? { label } : { value });
  }

  protected apply(entry: LogEntry): void {
    let tenant: string | undefined;
    if ('source' in this.from) tenant = tryString(entry.extracted().get(this.from.source));
    else if ('label' in this.from) tenant = entry.labels.get(this.from.label);
    else tenant = this.from.value;
    if (tenant) entry.labels = entry.labels.with(TENANT_LABEL, tenant);
  }
}
