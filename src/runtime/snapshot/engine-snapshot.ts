/**
 * What `engine.snapshot()` writes (inside the codec's header): everything needed to rebuild
 * the engine in a fresh process. Deployments are kept as their EPL text and replayed (deploy
 * and undeploy in their original order), so the restored statements are built by the same
 * code from the same plans; then each part's state is put back in build order.
 */
import { WeirError } from '../../common/errors.js';
import type { EventTimeBufferState } from '../event-time-buffer.js';
import type { EventTableState } from './event-table.js';
import type { NegativeZero } from './state-io.js';

/** The engine options that shape its state (a restore must use the same). */
export interface SnapshotOptions {
  readonly allowedLateness: number;
  readonly startTime: number | null;
  readonly maxPartialMatches: number;
  readonly columnarAggregation: boolean;
  /** Infinity for no limit. */
  readonly maxTimeJump: number;
}

/** The deploy/undeploy history, replayed in order by a restore. */
export type LogEntry =
  | { readonly op: 'deploy'; readonly text: string; readonly file: string | null }
  | { readonly op: 'undeploy'; readonly name: string };

/** One stateful part: its state, or the index of an earlier part it is (a shared window). */
export type PartSnapshot =
  | { readonly label: string; readonly state: unknown }
  | { readonly label: string; readonly same: number };

export interface StatementSnapshot {
  readonly name: string;
  /** When it started (null: deployed but not started, the clock has not started). */
  readonly start: number | null;
  /** Rows out and listener calls (its stats). */
  readonly deliveries: readonly number[];
  readonly counters: readonly number[];
  readonly parts: readonly PartSnapshot[];
}

export interface EngineSnapshot {
  readonly options: SnapshotOptions;
  readonly log: readonly LogEntry[];
  /** The live statements, in deployment order. */
  readonly statements: readonly StatementSnapshot[];
  readonly clock: number | null;
  readonly buffer: EventTimeBufferState;
  readonly timers: { readonly nextSeq: number; readonly live: number };
  /** eventsIn, eventsProcessed, lateEvents, unnamed statements numbered so far, rejectedEvents. */
  readonly counters: readonly number[];
  /** Every variable's value, by name (the deployments define them; a restore sets the values). */
  readonly variables: readonly (readonly [string, unknown])[];
  /** The event table (common/state.ts, rule 3), column-wise (event-table.ts). */
  readonly events: EventTableState;
  /** Where the events hold -0 (state-io.ts); absent: none. */
  readonly negativeZeros?: readonly NegativeZero[];
}

/** Checks the payload's shape before anything is built from it. */
export function checkEngineSnapshot(value: unknown): EngineSnapshot {
  const fail = (what: string): never => {
    throw new WeirError('snapshot/corrupt', `The snapshot is corrupt: ${what}`);
  };
  if (typeof value !== 'object' || value === null) return fail('its payload is not a record');
  const p = value as Record<string, unknown>;
  const o = p.options as Record<string, unknown> | undefined;
  if (
    typeof o !== 'object' ||
    o === null ||
    typeof o.allowedLateness !== 'number' ||
    typeof o.maxPartialMatches !== 'number' ||
    typeof o.columnarAggregation !== 'boolean' ||
    typeof o.maxTimeJump !== 'number' ||
    (o.startTime !== null && typeof o.startTime !== 'number')
  )
    fail('bad engine options');
  if (!Array.isArray(p.log)) fail('no deployment log');
  for (const e of p.log as Record<string, unknown>[]) {
    const ok =
      (e?.op === 'deploy' && typeof e.text === 'string' && (e.file === null || typeof e.file === 'string')) ||
      (e?.op === 'undeploy' && typeof e.name === 'string');
    if (!ok) fail('a malformed deployment log entry');
  }
  if (!Array.isArray(p.statements)) fail('no statement list');
  for (const s of p.statements as Record<string, unknown>[]) {
    if (
      typeof s?.name !== 'string' ||
      (s.start !== null && typeof s.start !== 'number') ||
      !Array.isArray(s.deliveries) ||
      !Array.isArray(s.counters) ||
      !Array.isArray(s.parts)
    )
      fail('a malformed statement entry');
  }
  if (p.clock !== null && typeof p.clock !== 'number') fail('a bad clock');
  const b = p.buffer as Record<string, unknown> | undefined;
  if (typeof b !== 'object' || b === null || typeof b.maxTimestamp !== 'number' || !Array.isArray(b.events))
    fail('a bad event-time buffer');
  const t = p.timers as Record<string, unknown> | undefined;
  if (typeof t !== 'object' || t === null || typeof t.nextSeq !== 'number' || typeof t.live !== 'number')
    fail('a bad timer account');
  if (!Array.isArray(p.counters) || p.counters.length !== 5) fail('bad counters');
  if (!Array.isArray(p.variables) || !p.variables.every((v) => Array.isArray(v) && typeof v[0] === 'string'))
    fail('a bad variable list');
  if (typeof p.events !== 'object' || p.events === null) fail('no event table');
  if (
    p.negativeZeros !== undefined &&
    !(Array.isArray(p.negativeZeros) && p.negativeZeros.every((z) => Array.isArray(z) && z.length >= 2))
  )
    fail('a bad -0 list');
  return value as EngineSnapshot;
}
