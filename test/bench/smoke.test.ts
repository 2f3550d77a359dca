/**
 * CI's smoke version of `npm run bench`: tiny inputs, and Weir must produce exactly the rows
 * each hand-written baseline produces (same checksum). No timing is asserted here.
 */
import { describe, expect, it } from 'vitest';
import { measureBaseline, measureWeir } from '../../bench/measure.js';
import { WORKLOADS } from '../../bench/workloads.js';

describe('benchmark workloads: Weir equals the hand-written baselines', () => {
  for (const w of WORKLOADS.filter((x) => x.baseline !== undefined)) {
    it(w.name, () => {
      const input = w.input(w.name.startsWith('pattern') ? 40_000 : 5_000);
      const weir = measureWeir(w, input);
      const baseline = measureBaseline(w, input);
      expect(weir.rows).toBeGreaterThan(0);
      expect(weir.checksum).toBe(baseline.checksum);
    });
  }
});
