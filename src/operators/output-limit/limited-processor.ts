/**
 * What output limiting asks of a result-set processor (Esper's ResultSetProcessor, its
 * output-limited half). The processor is an Operator: `onUpdate(ins, rem)` applies one step
 * and posts that step's rows to its `next`, which for an output-limited statement is the
 * limiter's RowCollector. The limiter (OutputProcessView in Esper) decides when steps are
 * processed and when the collected rows are posted; the methods below are the per-kind rules
 * of which rows `all`, `last` and grouped `first` post, and what `snapshot` iterates.
 */
import type { Row } from '../../common/row.js';
import type { StateReader, StateWriter } from '../../common/state.js';
import type { Operator } from '../operator.js';
import type { GroupConditions } from './polled-condition.js';

/**
 * Per-interval state of one output type on one processor (Esper's OutputAllHelper,
 * OutputLastHelper, grouped first): `step` takes each step of the interval, in order;
 * `output` posts the interval's rows to the processor's next and starts a new interval.
 */
export interface LimitHelper {
  step(inserted: Row[] | null, removed: Row[] | null): void;
  output(): void;
  /**
   * What the helper keeps between steps (common/state.ts): rows the processor takes in through
   * `input` (events, or a join's rows, whose events are written by id), rows it built as events.
   */
  snapshot(w: StateWriter, input: WriteInput): unknown;
  restore(state: unknown, r: StateReader, input: ReadInput): void;
}

/** Writes a row the processor takes in (an event, a join row); `ReadInput` gives it back. */
export type WriteInput = (row: Row) => unknown;
export type ReadInput = (saved: unknown) => Row;

/** A map's entries with their values written by `write`, in the map's order. */
export function writeEntries<V>(
  map: ReadonlyMap<unknown, V>,
  write: (v: V) => unknown,
): [unknown, unknown][] {
  const out: [unknown, unknown][] = [];
  for (const [key, value] of map) out.push([key, write(value)]);
  return out;
}

/** Refills `map` (empty) from `writeEntries` output, in order. */
export function readEntries<V>(map: Map<unknown, V>, saved: unknown, read: (s: unknown) => V): void {
  for (const [key, value] of saved as [unknown, unknown][]) map.set(key, read(value));
}

/** A possibly absent built row as data: null when absent. */
export function writeRow(w: StateWriter, row: Row | undefined): number | null {
  return row === undefined ? null : w.event(row);
}

export function readRow(r: StateReader, id: unknown): Row | undefined {
  return id === null ? undefined : r.event(id as number);
}

/** The grouped `first` helpers' state: the groups that passed (with their events), built rows, each group's condition. */
export function writeFirstState(
  passed: ReadonlyMap<unknown, Row>,
  rows: readonly Row[],
  conditions: GroupConditions,
  w: StateWriter,
  input: WriteInput,
): unknown {
  return [writeEntries(passed, input), w.events(rows), conditions.snapshot()];
}

/** Refills `passed` and `conditions` from `writeFirstState` output; returns the built rows. */
export function readFirstState(
  passed: Map<unknown, Row>,
  conditions: GroupConditions,
  s: unknown,
  r: StateReader,
  input: ReadInput,
): Row[] {
  const [entries, rows, states] = s as [unknown, number[], unknown];
  readEntries(passed, entries, input);
  conditions.restore(states);
  return r.events(rows);
}

export interface LimitedProcessor extends Operator {
  /** Applies a step to the aggregation state without producing rows (Esper's applyViewResult). */
  apply(inserted: Row[] | null, removed: Row[] | null): void;
  /**
   * Rows for an interval that had no step at all (the default type): only the row-for-all
   * processor posts one, its current row (and the same row as old when old rows are posted).
   */
  postEmptyInterval(): void;
  /**
   * The helper for `all` or `last`. `sorted` (the statement orders its rows) selects Esper's
   * buffered variants, which it runs with steps replayed at output time; otherwise the
   * unbuffered ones, fed as steps happen. Undefined: the type posts what the default type
   * posts for this processor (Esper: the same rows).
   */
  limitHelper(type: 'all' | 'last', sorted: boolean): LimitHelper | undefined;
  /** Grouped `output first`: posts, per step, the groups whose own condition lets them. */
  firstHelper?(conditions: GroupConditions): LimitHelper;
  /**
   * `output snapshot`: posts, as new rows, the rows of the current contents (the data window
   * after the where clause, or the join of the windows); undefined when the statement has no
   * data window (only aggregated processors post then).
   */
  postSnapshot(contents: readonly Row[] | undefined): void;
}

/** Posts the rows a helper built: empty sides become null, old rows only when they are posted. */
export function postRows(next: Operator, inserted: Row[], removed: Row[], postsOld: boolean): void {
  const ins = inserted.length > 0 ? inserted : null;
  const rem = postsOld && removed.length > 0 ? removed : null;
  if (ins !== null || rem !== null) next.onUpdate(ins, rem);
}
