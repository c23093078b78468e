// `docker`: lines of Docker's json-file log driver
// ({"log":"...\n","stream":"stderr","time":"2019-04-30T02:12:41.8443515Z"}).
// Equivalent to Promtail's definition: a json stage extracting log, stream
// and time, the stream as a label, time as the timestamp, log as the line.
import { compileJmespath } from '../jmespath/index.js';
import { Pipeline } from '../pipeline.js';
import type { StageContext } from '../stage.js';
import { parseRfc3339Nano } from '../timestamp-formats.js';
import { JsonStage } from './json.js';
import { LabelsStage } from './labels.js';
import { OutputStage } from './output.js';
import { TimestampStage } from './timestamp.js';

export function dockerStage(ctx: StageContext): Pipeline {
  return new Pipeline([
    new JsonStage(
      ctx,
      [
        ['output', compileJmespath('log')],
        ['stream', compileJmespath('stream')],
        ['timestamp', compileJmespath('time')],
      ],
      undefined,
      false,
    ),
    new LabelsStage([['stream', 'stream']]),
    new TimestampStage('timestamp', parseRfc3339Nano, true),
    new OutputStage('output'),
  ]);
}
