// The version text of `-version`, shared with the rest of Skald (src/version.ts).
export { VERSION as skaldVersionString, versionText } from '../version.js';

import { VERSION } from '../version.js';

export function skaldVersion(): string {
  return VERSION;
}
