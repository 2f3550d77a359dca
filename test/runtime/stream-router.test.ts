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
    expect(seen).toEqual(['all:S7', 's7:S7', 'all:nope', 'all:null']);
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
