/**
 * `npm run fuzz -- --minutes N [--seed S]`: the fuzz suite's properties (fuzz.test.ts: no
 * crash through the API, the CLI readers and `weir run` on generated modules; columnar on/off,
 * snapshot/restore and allowed lateness on ordered input give the same calls) with fresh seeds
 * until the time is up. The cases run in a child process; a case that runs for
 * more than --hang-seconds (default 30) is reported as a hang with its input, since a hang
 * cannot be interrupted from inside. Exit 0 when nothing was found, 1 with the first
 * counterexample (and the seed that reproduces it).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { SCHEMAS, csvFile, ndjsonLine, operations } from './generators.js';
import { mutatedModule, validModule } from './modules.js';
import { runApiCase, runCliCase, runLatenessCase, runRulesCase, runSnapshotCase } from './targets.js';

interface Options {
  readonly minutes: number;
  readonly seed: number;
  readonly hangSeconds: number;
}

type Message =
  | { readonly kind: 'case'; readonly input: string }
  | {
      readonly kind: 'round';
      readonly cases: number;
      readonly seed: number;
      readonly tally: Readonly<Record<string, number>>;
    }
  | { readonly kind: 'failure'; readonly report: string };

const QUERY = `${SCHEMAS}\n@name('q') select id, v, n from A;\n@name('o') select * from O;\n@name('s') select sum(v) as s from A#length(3);`;

async function work(seed: number, until: number): Promise<void> {
  const post = (m: Message) => process.send?.(m);
  const show = (value: unknown) =>
    JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)).slice(
      0,
      4000,
    );
  for (let round = 0; Date.now() < until; round++) {
    const s = seed + round;
    // What the cases reached: deployed modules, differential comparisons made or refused.
    const tally: Record<string, number> = {};
    const count = (key: string) => {
      tally[key] = (tally[key] ?? 0) + 1;
    };
    const api = fc.property(
      fc.oneof(validModule, mutatedModule),
      operations,
      fc.constantFrom(0, 500),
      (m, ops, late) => {
        post({ kind: 'case', input: show({ module: m, ops, late }) });
        const outcome = runApiCase(m, ops, late);
        if (outcome.deployed) count('deployed');
        if (outcome.calls > 0) count('posted');
      },
    );
    const cli = fc.asyncProperty(
      fc.oneof(
        fc
          .array(ndjsonLine, { maxLength: 20 })
          .map((lines) => ({ text: lines.join('\n'), format: 'ndjson' as const })),
        csvFile.map((text) => ({ text, format: 'csv' as const })),
      ),
      fc.boolean(),
      async (events, skip) => {
        post({ kind: 'case', input: show(events) });
        await runCliCase(QUERY, events.text, events.format, skip ? ['--on-error', 'skip'] : []);
      },
    );
    const cliModules = fc.asyncProperty(
      fc.oneof(validModule, mutatedModule),
      fc.array(ndjsonLine, { maxLength: 20 }),
      async (m, lines) => {
        post({ kind: 'case', input: show({ property: 'cli', module: m, lines }) });
        await runCliCase(m, lines.join('\n'), 'ndjson', ['--on-error', 'skip']);
      },
    );
    const lateness = fc.property(
      validModule,
      operations,
      fc.integer({ min: 1, max: 3000 }),
      (m, ops, late) => {
        post({ kind: 'case', input: show({ property: 'lateness', module: m, ops, late }) });
        count(`lateness ${runLatenessCase(m, ops, late)}`);
      },
    );
    const rules = fc.property(validModule, operations, fc.constantFrom(0, 500), (m, ops, late) => {
      post({ kind: 'case', input: show({ property: 'columnar on/off', module: m, ops, late }) });
      count(`columnar ${runRulesCase(m, ops, late)}`);
    });
    const snapshot = fc.property(
      validModule,
      operations,
      fc.nat(25),
      fc.constantFrom(0, 500),
      (m, ops, cut, late) => {
        post({ kind: 'case', input: show({ property: 'snapshot', module: m, ops, cut, late }) });
        count(`snapshot ${runSnapshotCase(m, ops, cut, late)}`);
      },
    );
    const reports = [
      fc.defaultReportMessage(fc.check(api, { seed: s, numRuns: 200 })),
      fc.defaultReportMessage(fc.check(rules, { seed: s, numRuns: 40 })),
      fc.defaultReportMessage(fc.check(snapshot, { seed: s, numRuns: 40 })),
      fc.defaultReportMessage(fc.check(lateness, { seed: s, numRuns: 30 })),
      fc.defaultReportMessage(await fc.check(cli, { seed: s, numRuns: 20 })),
      fc.defaultReportMessage(await fc.check(cliModules, { seed: s, numRuns: 10 })),
    ];
    const failure = reports.find((r) => r !== undefined);
    if (failure !== undefined) {
      post({ kind: 'failure', report: `seed ${s}: ${failure}` });
      return;
    }
    post({ kind: 'round', cases: 340, seed: s, tally });
  }
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const minutes = Number(value('--minutes') ?? '1');
  const seed = Number(value('--seed') ?? String(Date.now() % 2 ** 31));
  const hangSeconds = Number(value('--hang-seconds') ?? '30');
  if (!(minutes > 0) || !Number.isInteger(seed) || !(hangSeconds > 0)) {
    console.error('usage: npm run fuzz -- [--minutes N] [--seed S] [--hang-seconds H]');
    process.exit(2);
  }
  return { minutes, seed, hangSeconds };
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const until = Date.now() + options.minutes * 60_000;
  console.log(`fuzz: ${options.minutes} min from seed ${options.seed}`);
  const worker = fork(fileURLToPath(import.meta.url), ['--child', String(options.seed), String(until)], {
    execArgv: ['--import', 'tsx'],
  });
  let last = '';
  let lastAt = Date.now();
  let cases = 0;
  const tally: Record<string, number> = {};
  const watchdog = setInterval(() => {
    if (Date.now() - lastAt > options.hangSeconds * 1000) {
      console.error(`fuzz: HANG — a case ran for more than ${options.hangSeconds} s:\n${last}`);
      worker.kill();
      process.exit(1);
    }
  }, 1000);
  worker.on('message', (m: Message) => {
    lastAt = Date.now();
    if (m.kind === 'case') last = m.input;
    else if (m.kind === 'round') {
      cases += m.cases;
      for (const [k, n] of Object.entries(m.tally)) tally[k] = (tally[k] ?? 0) + n;
      console.log(`fuzz: ${cases} cases, nothing found (last seed ${m.seed})`);
    } else {
      console.error(`fuzz: FAILURE\n${m.report}`);
      process.exitCode = 1;
    }
  });
  worker.on('exit', (code: number | null) => {
    if (code !== 0 && process.exitCode !== 1) {
      console.error(`fuzz: the fuzzing process died (exit ${code}) on:\n${last}`);
      process.exitCode = 1;
    }
    clearInterval(watchdog);
    const reached = Object.entries(tally)
      .sort()
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    if (process.exitCode !== 1) console.log(`fuzz: done, ${cases} cases (${reached}), nothing found`);
  });
}

const child = process.argv.indexOf('--child');
if (child < 0) main();
else {
  await work(Number(process.argv[child + 1]), Number(process.argv[child + 2]));
  process.disconnect?.();
}
