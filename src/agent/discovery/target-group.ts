// Target groups, the unit service discovery produces (Prometheus'
// targetgroup.Group): labels shared by the group plus one label set per
// target. A group with no targets for a known source means "gone".

export type LabelRecord = Record<string, string>;

export interface TargetGroup {
  /** Identifies the group within its provider (`pod/<namespace>/<name>`, `<file>:<index>`, ...). */
  readonly source: string;
  readonly labels: LabelRecord;
  readonly targets: readonly LabelRecord[];
}

/** A discovery mechanism: reports groups (all of them, or changed ones) until stopped. */
export interface Discoverer {
  start(onGroups: (groups: TargetGroup[]) => void): void;
  stop(): Promise<void> | void;
}

export const ADDRESS_LABEL = '__address__';
