import { uniqueByKey } from './unique.js';
/** #lastevent: only the most recent event; an arrival posts itself and the previous event. */
import type { WindowDef } from './window-def.js';
import { expectArgCount } from './window-params.js';

export const lastEventWindow: WindowDef<Record<string, never>> = {
  name: 'lastevent',
  syntax: '#lastevent',
  doc: 'Keeps only the most recent event; the previous one is posted as old.',
  traits: { basis: 'count', batching: false, ordered: false, commutesWithFilter: false, retains: true },
  validate(args, span) {
    expectArgCount('lastevent', args, 0, 0, span);
    return {};
  },
  describe: () => 'lastevent',
  create: (_p, ctx) => uniqueByKey(undefined, ctx),
};
