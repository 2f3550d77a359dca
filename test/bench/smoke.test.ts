/**
 * CI's smoke version of `npm run bench`: tiny inputs, and Weir (in process, through the
 * public API) must post exactly the listener calls each hand-written baseline posts: equal
 * row counts and equal checksums. The baselines are proven against hand-derived and naive
 * expectations in baselines.test.ts and against Esper's golden files in
 * baselines-conformance.test.ts. No timing is asserted here.
 */
import { describe, expect, it } from 'vitest';
import type { EventInput } from '../../bench/baselines/baseline.js';
import { Checksum } from '../../bench/checksum.js';
import { START_TS, mulberry32 } from '../../bench/generate-data.js';
import { deployProblem, isPending, measureBaseline, measureWeir } from '../../bench/measure.js';
import { WORKLOADS, type Workload, eventInput, workload } from '../../bench/workload-registry.js';
import { callsOf, firstDifference } from './support/calls.js';

function compare(w: Workload, input: EventInput): void {
  const weirOut = new Checksum(true);
  const baselineOut = new Checksum(true);
  const weir = measureWeir(w, input, { checksum: weirOut });
  if (isPending(weir)) throw new Error(`${w.name} is pending: ${weir.pending}`);
  const baseline = measureBaseline(w, input, { checksum: baselineOut });
  // The first differing call, readable, before the opaque checksums.
  expect(firstDifference(callsOf(weirOut), callsOf(baselineOut))).toBeUndefined();
  expect(baseline.rows).toBeGreaterThan(0);
  expect(weir.rows).toBe(baseline.rows);
  expect(weir.checksum).toBe(baseline.checksum);
}

/**
 * The same events with irregular times: runs of equal timestamps and gaps longer than any
 * window or batch (the generated data is 1 ms apart, which never exercises those).
 */
function irregular(input: EventInput, seed = 11): EventInput {
  const random = mulberry32(seed);
  let ts = START_TS;
  const timestamps: number[] = [];
  const events = input.events.map((e) => {
    const r = random();
    ts += r < 0.3 ? 0 : r < 0.995 ? Math.floor(random() * 40) : 45_000;
    timestamps.push(ts);
    return { ...e, ts };
  });
  return { type: input.type, events, timestamps };
}

describe('benchmark workloads: Weir posts what the hand-written baselines post', () => {
  for (const w of WORKLOADS.filter((x) => x.name !== 'nexmark-join')) {
    it(`${w.name} (${w.smokeEvents.toLocaleString('en')} generated events)`, () => {
      compare(w, eventInput(w, w.smokeEvents));
    });
  }

  for (const name of ['sliding-avg', 'sliding-max', 'sliding-median', 'tumbling-count', 'pattern-1-user']) {
    it(`${name} with equal timestamps and long gaps`, () => {
      const w = workload(name);
      compare(w, irregular(eventInput(w, 5000)));
    });
  }

  const join = workload('nexmark-join');
  const problem = deployProblem(join);
  it.skipIf(problem !== undefined)(
    `nexmark-join${problem === undefined ? '' : ` (pending: ${problem})`}`,
    () => {
      compare(join, eventInput(join, join.smokeEvents));
    },
  );
});
