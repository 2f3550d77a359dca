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

  /** Where the events written hold -0 (a column of mixed values writes -0 as 0). */
  negativeZeros(): NegativeZero[] {
    return findNegativeZeros(this.rows);
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

  /** `table`: the snapshot's event table (EventTableWriter.table), rows built here, -0s put back. */
  constructor(
    table: unknown,
    private readonly restoreTimer: RestoreTimer,
    negativeZeros: readonly NegativeZero[] = [],
  ) {
    this.rows = decodeEventTable(table);
    restoreNegativeZeros(this.rows, negativeZeros);
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

/** Where a -0 sits in the event table: the event's id, then the property path to it. */
export type NegativeZero = readonly (number | string)[];

/**
 * Every -0 in the events' values (msgpack writes -0 as the integer 0): the restore puts them
 * back, so `1 / x` and Object.is see the same value after a restore. Events are small records,
 * so this walk costs little next to the encoding; nested objects and arrays are walked too.
 */
export function findNegativeZeros(rows: readonly Row[]): NegativeZero[] {
  const found: NegativeZero[] = [];
  const walk = (value: unknown, path: (number | string)[], depth: number): void => {
    if (typeof value === 'number') {
      if (value === 0 && 1 / value < 0) found.push([...path]);
      return;
    }
    if (typeof value !== 'object' || value === null || depth > 32 || ArrayBuffer.isView(value)) return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        walk(value[i], path, depth + 1);
        path.pop();
      }
      return;
    }
    for (const key in value) {
      path.push(key);
      walk((value as Record<string, unknown>)[key], path, depth + 1);
      path.pop();
    }
  };
  // Events are flat records of scalars: their own properties are read without building paths.
  for (let id = 0; id < rows.length; id++) {
    const row = rows[id] as Record<string, unknown>;
    for (const key in row) {
      const value = row[key];
      if (typeof value === 'number') {
        if (value === 0 && 1 / value < 0) found.push([id, key]);
      } else if (typeof value === 'object' && value !== null) walk(value, [id, key], 1);
    }
  }
  return found;
}

/** Puts the -0s `findNegativeZeros` found back into the restored event table. */
export function restoreNegativeZeros(rows: readonly Row[], zeros: readonly NegativeZero[]): void {
  for (const path of zeros) {
    let target: unknown = rows;
    for (let i = 0; i < path.length - 1; i++)
      target = (target as Record<string | number, unknown>)?.[path[i] as string];
    const last = path[path.length - 1];
    if (typeof target === 'object' && target !== null && last !== undefined)
      (target as Record<string | number, unknown>)[last] = -0;
  }
}
