#!/usr/bin/env node
// Entry point of the `skald` command; the compiled sources live in dist/.
import '../dist/main.js';
