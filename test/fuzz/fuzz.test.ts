/**
 * The fuzz suite, bounded for `npm test` (issue 13 §2): generated and mutated EPL modules
 * with generated event streams through the API, and generated event files through the CLI
 * readers. The property: success, or a WeirError / exit 1–2 with one-line messages; never
 * another exception. Differential properties on the generated modules: the physical rules
 * change no call (columnarAggregation on vs off), allowed lateness changes none on ordered
 * input, and a snapshot taken at a random cut and restored continues exactly as the
 * uninterrupted engine. Fixed seeds keep CI deterministic; `npm run fuzz -- --minutes N`
 * explores with fresh seeds (and a watchdog for hangs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCHEMAS, csvFile, ndjsonLine, operations } from './generators.js';
import { mutatedModule, validModule } from './modules.js';
import { runApiCase, runCliCase, runLatenessCase, runRulesCase, runSnapshotCase } from './targets.js';

const SEED = 20261207;

describe('fuzz: the API', () => {
  it('valid modules with random event streams: success or a WeirError', () => {
    let deployed = 0;
    let runs = 0;
    fc.assert(
      fc.property(validModule, operations, fc.constantFrom(0, 0, 500), (module, ops, lateness) => {
        runs++;
        if (runApiCase(module, ops, lateness).deployed) deployed++;
      }),
      { seed: SEED, numRuns: 150 },
    );
    // The generator builds mostly valid statements: a generator that only produced errors
    // would test nothing past the parser.
    expect(deployed / runs).toBeGreaterThan(0.3);
  }, 120_000);

  it('mutated modules: success or a WeirError', () => {
    fc.assert(
      fc.property(mutatedModule, operations, (module, ops) => {
        runApiCase(module, ops);
      }),
      { seed: SEED + 1, numRuns: 150 },
    );
  }, 120_000);
});

describe('fuzz: differential properties', () => {
  it('columnarAggregation on and off make the same calls and errors', () => {
    let compared = 0;
    fc.assert(
      fc.property(validModule, operations, fc.constantFrom(0, 0, 500), (module, ops, lateness) => {
        if (runRulesCase(module, ops, lateness) === 'compared') compared++;
      }),
      { seed: SEED + 4, numRuns: 60 },
    );
    expect(compared).toBeGreaterThan(20);
  }, 120_000);

  it('allowed lateness changes nothing on ordered input', () => {
    let compared = 0;
    fc.assert(
      fc.property(validModule, operations, fc.integer({ min: 1, max: 3000 }), (module, ops, lateness) => {
        if (runLatenessCase(module, ops, lateness) === 'compared') compared++;
      }),
      { seed: SEED + 7, numRuns: 40 },
    );
    expect(compared).toBeGreaterThan(10);
  }, 120_000);

  it('a snapshot at a random cut, restored, continues exactly', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        validModule,
        operations,
        fc.nat(25),
        fc.constantFrom(0, 0, 500),
        (module, ops, cut, lateness) => {
          if (runSnapshotCase(module, ops, cut, lateness) === 'compared') compared++;
        },
      ),
      { seed: SEED + 5, numRuns: 60 },
    );
    expect(compared).toBeGreaterThan(15);
  }, 120_000);
});

describe('fuzz: the CLI readers', () => {
  const query = `${SCHEMAS}\n@name('q') select id, v, n from A;\n@name('o') select * from O;\n@name('s') select sum(v) as s, avg(w) as a from A#length(3), B#length(2);`;

  it('NDJSON files of random lines: exit 0–2, one-line messages, JSON output', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(ndjsonLine, { maxLength: 12 }), fc.boolean(), async (lines, skip) => {
        await runCliCase(query, lines.join('\n'), 'ndjson', skip ? ['--on-error', 'skip'] : []);
      }),
      { seed: SEED + 2, numRuns: 40 },
    );
  }, 120_000);

  it('generated modules over NDJSON files: exit 0–2, one-line messages, JSON output', async () => {
    await fc.assert(
      fc.asyncProperty(validModule, fc.array(ndjsonLine, { maxLength: 12 }), async (module, lines) => {
        await runCliCase(module, lines.join('\n'), 'ndjson', ['--on-error', 'skip']);
      }),
      { seed: SEED + 6, numRuns: 20 },
    );
  }, 120_000);

  it('CSV files of random cells', async () => {
    await fc.assert(
      fc.asyncProperty(csvFile, fc.boolean(), async (csv, skip) => {
        await runCliCase(query, csv, 'csv', skip ? ['--on-error', 'skip'] : []);
      }),
      { seed: SEED + 3, numRuns: 30 },
    );
  }, 120_000);
});
