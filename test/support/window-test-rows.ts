/**
 * Small helpers for window unit tests: numbered events and emits rendered as event ids, so
 * expectations read like the hand derivation: `{ t: 5000, new: [3], old: [1] }`.
 */
import type { Row } from '../../src/common/row.js';
import type { RecordedEmit } from './fake-window-context.js';

export interface Ev extends Row {
  readonly id: number;
}

/** Event `id` with extra properties. */
export function ev(id: number, props: Record<string, unknown> = {}): Ev {
  return { id, ...props };
}

export interface EmitIds {
  readonly t: number;
  readonly new: number[] | null;
  readonly old: number[] | null;
}

const idsOf = (rows: Row[] | null) => (rows === null ? null : rows.map((r) => r.id as number));

/** Emits as event ids, in the order each side was posted. */
export function emitIds(emits: readonly RecordedEmit[]): EmitIds[] {
  return emits.map((e) => ({ t: e.time, new: idsOf(e.inserted), old: idsOf(e.removed) }));
}

/** Emits as event ids with each side sorted (for sides that are multisets). */
export function emitIdSets(emits: readonly RecordedEmit[]): EmitIds[] {
  const sorted = (ids: number[] | null) => (ids === null ? null : [...ids].sort((a, b) => a - b));
  return emitIds(emits).map((e) => ({ t: e.t, new: sorted(e.new), old: sorted(e.old) }));
}

export const contentIds = (rows: readonly Row[]): number[] => rows.map((r) => r.id as number);

/** The error `fn` throws (fails the test when it does not throw). */
export function thrown(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected a throw');
}
