// Loki's `schema_config` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, daytime, int, list, mdur, str, strMap } from './dsl.js';

export const schemaConfigBlock = block('config.SchemaConfig', {
  configs: list(
    block('config.plain', {
      from: daytime(),
      store: str(''),
      object_store: str(''),
      schema: str(''),
      index: block(
        'struct { PathPrefix string "yaml:\\"path_prefix\\""; Prefix string "yaml:\\"prefix\\""; Period model.Duration "yaml:\\"period\\""; Tags config.Tags "yaml:\\"tags\\"" }',
        {
          path_prefix: str('index/'),
          prefix: str(''),
          period: mdur('0s'),
          tags: strMap(),
        },
      ),
      chunks: block(
        'struct { Prefix string "yaml:\\"prefix\\""; Period model.Duration "yaml:\\"period\\""; Tags config.Tags "yaml:\\"tags\\"" }',
        {
          prefix: str(''),
          period: mdur('0s'),
          tags: strMap(),
        },
      ),
      row_shards: int(16, undefined, { go: 'uint32' }),
    }),
    { go: '[]config.PeriodConfig' },
  ),
});
