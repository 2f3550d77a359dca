/**
 * The `all`/`last` rules shared by processors that post one row per event (Esper's
 * RowPerEvent helpers, also used by the grouped-per-event processor where its rules agree).
 */
import type { Row } from '../../common/row.js';
import type { StateReader, StateWriter } from '../../common/state.js';
import {
  type LimitHelper,
  type LimitedProcessor,
  type ReadInput,
  type WriteInput,
  readRow,
  writeRow,
} from './limited-processor.js';
import type { RowCollector } from './row-collector.js';

/** `all`: every step's rows, as the step produced them. */
export class ConcatHelper implements LimitHelper {
  constructor(private readonly processor: LimitedProcessor) {}

  step(inserted: Row[] | null, removed: Row[] | null): void {
    this.processor.onUpdate(inserted, removed);
  }

  output(): void {}

  /** Keeps nothing: the step's rows wait in the limiter's collector. */
  snapshot(): null {
    return null;
  }

  restore(): void {}
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

  snapshot(w: StateWriter): (number | null)[] {
    return [writeRow(w, this.lastNew), writeRow(w, this.lastOld)];
  }

  restore(s: unknown, r: StateReader): void {
    const [lastNew, lastOld] = s as (number | null)[];
    this.lastNew = readRow(r, lastNew);
    this.lastOld = readRow(r, lastOld);
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

  snapshot(_w: StateWriter, input: WriteInput): unknown {
    return writeSteps(this.steps, input);
  }

  restore(s: unknown, _r: StateReader, input: ReadInput): void {
    this.steps = readSteps(s, input);
  }
}

type Step = [Row[] | null, Row[] | null];

/** Steps of input rows as data (each side null or its rows through `input`). */
export function writeSteps(
  steps: readonly (readonly [Row[] | null, Row[] | null])[],
  input: WriteInput,
): unknown {
  return steps.map(([ins, rem]) => [ins?.map(input) ?? null, rem?.map(input) ?? null]);
}

export function readSteps(saved: unknown, input: ReadInput): Step[] {
  return (saved as [unknown[] | null, unknown[] | null][]).map(([ins, rem]) => [
    ins?.map(input) ?? null,
    rem?.map(input) ?? null,
  ]);
}
