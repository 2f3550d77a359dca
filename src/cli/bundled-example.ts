/** The example `weir run` replays with no arguments, located relative to the installed package. */
import { fileURLToPath } from 'node:url';

export interface BundledExample {
  readonly query: string;
  readonly events: string;
}

export function bundledExample(): BundledExample {
  // src/cli/ and dist/cli/ are both two levels below the package root, next to queries/.
  const dir = new URL('../../queries/stock-ticker/', import.meta.url);
  return {
    query: fileURLToPath(new URL('query.epl', dir)),
    events: fileURLToPath(new URL('events.ndjson', dir)),
  };
}
