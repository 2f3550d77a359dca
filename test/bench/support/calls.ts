/**
 * Listener calls as plain data, and a comparison with Esper's delivery rules: per statement
 * the calls in order with their times; rows inside one call as a multiset; numbers equal
 * within a relative 1e-9 (summation order may differ).
 */
import { expect } from 'vitest';
import type { Checksum } from '../../../bench/checksum.js';

export interface Call {
  readonly time: number;
  readonly rows: readonly (readonly unknown[])[];
}

export type Calls = ReadonlyMap<string, readonly Call[]>;

export function callsOf(out: Checksum): Calls {
  return out.recordedCalls();
}

const sortKey = (row: readonly unknown[]) =>
  JSON.stringify(row.map((v) => (typeof v === 'number' ? Math.round(v * 1000) : v)));

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  }
  return a === b || (a == null && b == null);
}

/** The first difference, described, or undefined when the calls agree. */
export function firstDifference(actual: Calls, expected: Calls): string | undefined {
  const names = new Set([...actual.keys(), ...expected.keys()]);
  for (const name of [...names].sort()) {
    const a = actual.get(name) ?? [];
    const e = expected.get(name) ?? [];
    for (let i = 0; i < Math.max(a.length, e.length); i++) {
      const ac = a[i];
      const ec = e[i];
      const show = (c: Call | undefined) => (c === undefined ? 'no call' : JSON.stringify(c));
      if (ac === undefined || ec === undefined || ac.time !== ec.time || ac.rows.length !== ec.rows.length)
        return `statement ${name}, call ${i}: got ${show(ac)}, expected ${show(ec)}`;
      const ar = [...ac.rows].sort((x, y) => sortKey(x).localeCompare(sortKey(y)));
      const er = [...ec.rows].sort((x, y) => sortKey(x).localeCompare(sortKey(y)));
      for (let r = 0; r < ar.length; r++) {
        const x = ar[r] as readonly unknown[];
        const y = er[r] as readonly unknown[];
        if (x.length !== y.length || x.some((v, c) => !sameValue(v, y[c])))
          return `statement ${name}, call ${i}: got ${show(ac)}, expected ${show(ec)}`;
      }
    }
  }
  return undefined;
}

export function expectSameCalls(actual: Calls, expected: Calls): void {
  expect(firstDifference(actual, expected)).toBeUndefined();
}

/** Calls of one statement named `q`, from [time, rows] pairs (for hand-derived expectations). */
export function callsQ(...calls: readonly [number, readonly (readonly unknown[])[]][]): Calls {
  return new Map([['q', calls.map(([time, rows]) => ({ time, rows }))]]);
}
