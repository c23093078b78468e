// Runs `skald agent` with the process's arguments, for tests that need a
// separate process (to kill it with SIGKILL). Not used by the agent itself.
import { runAgent } from './main.js';

const code = await runAgent(process.argv.slice(2), process.env);
process.exit(code);
