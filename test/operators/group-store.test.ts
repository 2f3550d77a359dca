/**
 * MapGroupStore holds its first group alone and makes a map for the second (a keyed context's
 * partitions often aggregate one group): against a plain Map, under random creates, lookups,
 * empties and snapshot round trips, including keys a map treats specially (NaN, -0).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StateReader, StateWriter } from '../../src/common/state.js';
import {
  type AggregateLayout,
  type GroupState,
  MapGroupStore,
} from '../../src/operators/aggregation-state.js';

const LAYOUT: AggregateLayout = { slotCount: 0, computed: [], derived: [] };
const KEYS = [1, 2, 'a', Number.NaN, 0, -0, null];

/** The groups written and read by id only: no events here. */
const writer = { event: () => 0, events: () => [], timer: () => null } as unknown as StateWriter;
const reader = { event: () => ({}), events: () => [] } as unknown as StateReader;

const plain = (key: unknown) => (Object.is(key, -0) ? 0 : key);

const steps = fc.array(
  fc.record({
    op: fc.constantFrom('create', 'empty', 'roundTrip'),
    key: fc.constantFrom(...KEYS),
  }),
  { maxLength: 60 },
);

describe('MapGroupStore', () => {
  it('finds, drops and lists groups in creation order as a Map does', () => {
    fc.assert(
      fc.property(steps, (ops) => {
        let store = new MapGroupStore(LAYOUT);
        const model = new Map<unknown, GroupState>();
        for (const { op, key } of ops) {
          const held = store.get(key);
          expect(held).toBe(model.get(key));
          if (op === 'create' && held === undefined) model.set(key, store.create(key));
          else if (op === 'empty' && held !== undefined) {
            store.emptied(held);
            model.delete(key);
          } else if (op === 'roundTrip') {
            const saved = store.snapshot(writer);
            store = new MapGroupStore(LAYOUT);
            store.restore(saved, reader);
            for (const g of store.values()) model.set(g.key, g);
          }
          // A Map keeps -0 as 0; the store keeps the key it was given (either finds the other).
          expect([...store.values()].map((g) => plain(g.key))).toEqual([...model.keys()]);
          for (const k of KEYS) expect(store.get(k)).toBe(model.get(k));
        }
        store.release();
        expect([...store.values()]).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
