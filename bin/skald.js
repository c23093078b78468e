#!/usr/bin/env -S node --max-semi-space-size=4
// Entry point of the `skald` command; the compiled sources live in dist/.
//
// V8 lets the young generation grow to 16 MiB semi-spaces under load. Skald's
// per-request garbage (decoded pushes, their Buffers) dies young, and a young
// generation capped at 4 MiB collects it, and the external memory it holds,
// sooner: about 45 MB less peak memory while ingesting at full speed, at the
// same CPU per megabyte. Run as `node bin/skald.js` the cap is not applied;
// pass the flag to node to keep it.
import '../dist/main.js';
