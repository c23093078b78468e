import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPipelineCompiler } from './pipeline.js';
import { warmUpEngine } from './warm-up.js';

test('the engine warm-up runs its representative queries without error', async () => {
  await assert.doesNotReject(warmUpEngine(createPipelineCompiler()));
});
