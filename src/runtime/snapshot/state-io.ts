/**
 * The StateWriter and StateReader of one snapshot (common/state.ts): the event table, where
 * each event object is written once whatever number of structures hold it, and the account
 * of timers written and re-armed, which the engine checks against its queue so that no
 * pending timer is silently left out.
 */
import { WeirError } from '../../common/errors.js';
import type { Row } from '../../common/row.js';
import type { StateReader, StateWriter } from '../../common/state.js';
import type { Timer, TimerOwner, TimerState } from '../../common/timers.js';
import { type EventTableState, decodeEventTable, encodeEventTable } from './event-table.js';

export class EventTableWriter implements StateWriter {
  private readonly ids = new Map<Row, number>();
  /** The events written so far: id → event. */
  private readonly rows: Row[] = [];
  /** Live timers written so far. */
  timersWritten = 0;

  event(row: Row): number {
    let id = this.ids.get(row);
    if (id === undefined) {
      id = this.rows.length;
      this.rows.push(row);
      this.ids.set(row, id);
    }
    return id;
  }

  events(rows: readonly Row[]): number[] {
    const ids = new Array<number>(rows.length);
    for (let i = 0; i < rows.length; i++) ids[i] = this.event(rows[i] as Row);
    return ids;
  }

  timer(timer: Timer | undefined): TimerState | null {
    if (timer === undefined || !timer.live) return null;
    this.timersWritten++;
    return { due: timer.due, seq: timer.seq, tag: timer.tag };
  }

  /** The event table of the events written (column-wise, event-table.ts), once every part wrote. */
  table(): EventTableState {
    return encodeEventTable(this.rows);
  }
}

/** Re-arms a timer with its snapshotted order (the engine's queue, or a test's). */
export type RestoreTimer = (owner: TimerOwner, tag: number, due: number, seq: number) => Timer;

export class EventTableReader implements StateReader {
  /** Timers re-armed so far. */
  timersRestored = 0;

  private readonly rows: readonly Row[];

  /** `table`: the snapshot's event table (EventTableWriter.table), rows built here. */
  constructor(
    table: unknown,
    private readonly restoreTimer: RestoreTimer,
  ) {
    this.rows = decodeEventTable(table);
  }

  event(id: number): Row {
    const row = this.rows[id];
    if (row === undefined) throw corrupt(`event id ${id} is not in the event table`);
    return row;
  }

  events(ids: readonly number[]): Row[] {
    const rows = new Array<Row>(ids.length);
    for (let i = 0; i < ids.length; i++) rows[i] = this.event(ids[i] as number);
    return rows;
  }

  timer(owner: TimerOwner, state: TimerState | null): Timer | undefined {
    if (state === null || state === undefined) return undefined;
    const { due, seq, tag } = state;
    if (typeof due !== 'number' || typeof seq !== 'number' || typeof tag !== 'number') {
      throw corrupt('a timer entry is malformed');
    }
    this.timersRestored++;
    return this.restoreTimer(owner, tag, due, seq);
  }
}

function corrupt(detail: string): WeirError {
  return new WeirError('snapshot/corrupt', `The snapshot is corrupt: ${detail}`);
}
