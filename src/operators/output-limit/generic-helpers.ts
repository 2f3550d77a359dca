/**
 * The `all`/`last` rules shared by processors that post one row per event (Esper's
 * RowPerEvent helpers, also used by the grouped-per-event processor where its rules agree).
 */
import type { Row } from '../../common/row.js';
import type { LimitHelper, LimitedProcessor } from './limited-processor.js';
import type { RowCollector } from './row-collector.js';

/** `all`: every step's rows, as the step produced them. */
export class ConcatHelper implements LimitHelper {
  constructor(private readonly processor: LimitedProcessor) {}

  step(inserted: Row[] | null, removed: Row[] | null): void {
    this.processor.onUpdate(inserted, removed);
  }

  output(): void {}
}

/** `last`: of all the rows the interval's steps produced, the last new row and the last old row. */
export class LastRowHelper implements LimitHelper {
  private lastNew: Row | undefined;
  private lastOld: Row | undefined;

  constructor(
    private readonly processor: LimitedProcessor,
    private readonly collector: RowCollector,
  ) {}

  step(inserted: Row[] | null, removed: Row[] | null): void {
    this.processor.onUpdate(inserted, removed);
    const [ins, rem] = this.collector.takeUnsorted();
    if (ins.length > 0) this.lastNew = ins[ins.length - 1];
    if (rem.length > 0) this.lastOld = rem[rem.length - 1];
  }

  output(): void {
    const ins = this.lastNew === undefined ? null : [this.lastNew];
    const rem = this.lastOld === undefined ? null : [this.lastOld];
    this.lastNew = undefined;
    this.lastOld = undefined;
    this.collector.onUpdate(ins, rem);
  }
}

/** `all` built at output time: the interval's steps are kept and processed in order when output is due. */
export class DeferredConcatHelper implements LimitHelper {
  private steps: [Row[] | null, Row[] | null][] = [];

  constructor(private readonly processor: LimitedProcessor) {}

  step(inserted: Row[] | null, removed: Row[] | null): void {
    this.steps.push([inserted, removed]);
  }

  output(): void {
    const steps = this.steps;
    this.steps = [];
    for (const [ins, rem] of steps) this.processor.onUpdate(ins, rem);
  }
}
