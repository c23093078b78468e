// Stream labels with an entry's structured metadata folded in: the labels of
// an entry that no pipeline stage touched, in answers without the
// categorize-labels encoding. As Loki's no-op pipeline does, a metadata name
// that is also a stream label gets the `_extracted` suffix, so the indexed
// value is never hidden by the entry's own.
import { type Label, type Labels, sortLabels } from '../../util/labels.js';

const DUPLICATE_SUFFIX = '_extracted';

export function foldMetadata(labels: Labels, metadata: readonly Label[]): Label[] {
  const byName = new Map<string, string>();
  for (const l of labels) byName.set(l.name, l.value);
  for (const l of metadata) {
    const clashes = labels.some((s) => s.name === l.name);
    byName.set(clashes ? l.name + DUPLICATE_SUFFIX : l.name, l.value);
  }
  return sortLabels([...byName].map(([name, value]) => ({ name, value })));
}
