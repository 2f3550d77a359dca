/**
 * #groupwin(props…): the windows after it run once per key value (the chain builder creates
 * the per-key sub-windows). prev() and contents are per group.
 */
import type { BoundExpr } from '../expr/bound-expr.js';
import { keyExprs } from './key-fn.js';
import type { WindowDef } from './window-def.js';

export const groupwinWindow: WindowDef<{ keys: BoundExpr[] }> = {
  name: 'groupwin',
  syntax: '#groupwin(property, …)#window(…)',
  doc: 'Runs the following window(s) separately for each distinct key.',
  traits: { basis: 'key', batching: false, ordered: true, commutesWithFilter: false, retains: true },
  validate: (args, span) => ({ keys: keyExprs('groupwin', args, span) }),
  describe: () => 'groupwin',
  create() {
    throw new Error('#groupwin is built by the window chain');
  },
};
