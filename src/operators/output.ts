/**
 * The statement's end: selects what listeners receive (istream: new rows; rstream: old rows
 * in the new position; irstream: both) and what `insert into` forwards (the insert stream,
 * unless `insert rstream into`), and counts rows out.
 */
import type { StreamSelector } from '../ast/ast.js';
import type { Row } from '../common/row.js';
import { type Operator, hasRows } from './operator.js';

export interface OutputTarget {
  deliver(newEvents: Row[] | null, oldEvents: Row[] | null): void;
}

export class OutputOperator implements Operator {
  constructor(
    private readonly selector: StreamSelector,
    private readonly listeners: OutputTarget,
    private readonly insert: { selector: StreamSelector; forward(rows: Row[]): void } | undefined,
  ) {}

  onUpdate(inserted: Row[] | null, removed: Row[] | null, force = false): void {
    const ins = hasRows(inserted) ? inserted : null;
    const rem = hasRows(removed) ? removed : null;
    switch (this.selector) {
      case 'istream':
        if (ins !== null || force) this.listeners.deliver(ins, null);
        break;
      case 'rstream':
        if (rem !== null || force) this.listeners.deliver(rem, null);
        break;
      case 'irstream':
        if (ins !== null || rem !== null || force) this.listeners.deliver(ins, rem);
        break;
    }
    const insert = this.insert;
    if (insert === undefined) return;
    if (insert.selector !== 'rstream' && ins !== null) insert.forward(ins);
    if (insert.selector !== 'istream' && rem !== null) insert.forward(rem);
  }
}
