import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../src/common/bounded-cache.js';

describe('BoundedCache', () => {
  it('creates a value once per key and returns the same object after', () => {
    const cache = new BoundedCache<string, { key: string }>(10);
    let created = 0;
    const make = (key: string) => () => {
      created++;
      return { key };
    };
    const a = cache.get('a', make('a'));
    expect(cache.get('a', make('a'))).toBe(a);
    expect(cache.get('b', make('b'))).not.toBe(a);
    expect(created).toBe(2);
  });

  it('starts over once it holds its limit, so old keys are built again', () => {
    const cache = new BoundedCache<number, object>(2);
    const first = cache.get(1, () => ({}));
    cache.get(2, () => ({}));
    cache.get(3, () => ({})); // full: cleared, then holds 3
    expect(cache.get(3, () => ({ other: true }))).not.toHaveProperty('other');
    expect(cache.get(1, () => ({}))).not.toBe(first);
  });
});
