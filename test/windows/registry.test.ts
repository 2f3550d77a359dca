import { describe, expect, it } from 'vitest';
import { lookupWindow, windowRegistry } from '../../src/windows/registry.js';

const KINDS = [
  'length',
  'length_batch',
  'time',
  'time_batch',
  'ext_timed',
  'ext_timed_batch',
  'keepall',
  'unique',
  'lastevent',
  'firstlength',
  'firstunique',
  'firstevent',
  'groupwin',
  'sort',
  'time_length_batch',
  'time_accum',
];

describe('window registry', () => {
  it('holds every kind under its EPL name, with syntax and doc for the reference', () => {
    expect([...windowRegistry.keys()].sort()).toEqual([...KINDS].sort());
    for (const [name, def] of windowRegistry) {
      expect(def.name).toBe(name);
      expect(def.syntax.startsWith(`#${name}`)).toBe(true);
      expect(def.doc.length).toBeGreaterThan(20);
    }
  });

  it('looks names up case-insensitively', () => {
    expect(lookupWindow('LENGTH')).toBe(windowRegistry.get('length'));
    expect(lookupWindow('Time_Batch')?.name).toBe('time_batch');
    expect(lookupWindow('nope')).toBeUndefined();
  });

  it('batch traits: exactly the batching kinds', () => {
    const batching = KINDS.filter((k) => windowRegistry.get(k)?.traits.batching);
    expect(batching.sort()).toEqual(['ext_timed_batch', 'length_batch', 'time_batch', 'time_length_batch']);
  });
});
