// Schema periods and index tables. Loki splits time into periods (each with
// its own store, object store and index settings, from `schema_config`) and
// each period's index into tables of `index.period` (24h for TSDB) named
// `<prefix><unix seconds / period>`, e.g. loki_index_19737.

export interface SchemaPeriod {
  /** Start of the period, ms since the epoch (from `schema_config.configs[].from`). */
  readonly fromMs: number;
  readonly store: string;
  /** Name of the object store holding this period's chunks and index. */
  readonly objectStore: string;
  readonly schema: string;
  readonly indexPrefix: string;
  /** Table length in ms (24h). */
  readonly indexPeriodMs: number;
}

export interface TableRef {
  readonly period: SchemaPeriod;
  readonly number: number;
  readonly name: string;
  /** [startMs, endMs) covered by the table. */
  readonly startMs: number;
  readonly endMs: number;
}

export class Schema {
  readonly periods: readonly SchemaPeriod[];

  constructor(periods: readonly SchemaPeriod[]) {
    if (periods.length === 0) throw new Error('schema_config needs at least one period');
    this.periods = [...periods].sort((a, b) => a.fromMs - b.fromMs);
  }

  /** The period in force at a time; times before the first period belong to it. */
  periodAt(ms: number): SchemaPeriod {
    let p = this.periods[0]!;
    for (const q of this.periods) if (q.fromMs <= ms) p = q;
    return p;
  }

  /** Every table overlapping [fromMs, throughMs] (inclusive), oldest first. */
  tablesFor(fromMs: number, throughMs: number): TableRef[] {
    const out: TableRef[] = [];
    for (let i = 0; i < this.periods.length; i++) {
      const p = this.periods[i]!;
      const pStart = i === 0 ? Number.NEGATIVE_INFINITY : p.fromMs;
      const pEnd = i + 1 < this.periods.length ? this.periods[i + 1]!.fromMs : Number.POSITIVE_INFINITY;
      const lo = Math.max(fromMs, pStart);
      const hi = Math.min(throughMs, pEnd - 1);
      if (lo > hi) continue;
      const first = Math.floor(lo / p.indexPeriodMs);
      const last = Math.floor(hi / p.indexPeriodMs);
      for (let n = first; n <= last; n++) out.push(tableRef(p, n));
    }
    return out;
  }
}

export function tableRef(period: SchemaPeriod, number: number): TableRef {
  return {
    period,
    number,
    name: `${period.indexPrefix}${number}`,
    startMs: number * period.indexPeriodMs,
    endMs: (number + 1) * period.indexPeriodMs,
  };
}
