import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/row.js';
import type { StatementEntry } from '../../src/physical/physical-env.js';
import { StreamRouter } from '../../src/runtime/stream-router.js';

function entry(name: string, seen: string[], indexed: StatementEntry['indexed'] = []): StatementEntry {
  return { stream: 'S', indexed, accept: (row: Row) => seen.push(`${name}:${row.symbol}`) };
}

describe('StreamRouter', () => {
  it('routes indexed statements by hash lookup and unindexed ones always', () => {
    const seen: string[] = [];
    const router = new StreamRouter();
    router.add(entry('all', seen));
    for (let i = 0; i < 1000; i++) router.add(entry(`s${i}`, seen, [{ property: 'symbol', value: `S${i}` }]));
    router.route({ symbol: 'S7' });
    router.route({ symbol: 'nope' });
    router.route({ symbol: null });
    // Filtered entries before unfiltered ones, as Esper's filter service reaches them.
    expect(seen).toEqual(['s7:S7', 'all:S7', 'all:nope', 'all:null']);
  });

  it('reaches entries with a filter before entries without one, each in the order added', () => {
    const seen: string[] = [];
    const router = new StreamRouter();
    router.add(entry('plain1', seen));
    router.add({ ...entry('filtered', seen), filtered: true });
    router.add(entry('plain2', seen));
    router.add(entry('indexed', seen, [{ property: 'symbol', value: 'A' }]));
    router.route({ symbol: 'A' });
    expect(seen).toEqual(['filtered:A', 'indexed:A', 'plain1:A', 'plain2:A']);
  });

  it('counts references to a shared entry and removes it only when the last holder leaves', () => {
    const seen: string[] = [];
    const router = new StreamRouter();
    const shared = entry('w', seen, [{ property: 'symbol', value: 'A' }]);
    router.add(shared);
    router.add(shared);
    router.remove(shared);
    router.route({ symbol: 'A' });
    router.remove(shared);
    router.route({ symbol: 'A' });
    expect(seen).toEqual(['w:A']);
    expect(router.size).toBe(0);
  });
});
