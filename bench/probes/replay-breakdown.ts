/**
 * Where `weir run`'s time goes on one workload, by CPU time (user + system) of the work each
 * stage adds, in one process per stage so that no stage warms another's code:
 *
 *   read      the NDJSON file read and parsed into events (feedEvents inline, as --threads 1),
 *             handed to a target that drops them
 *   engine    … and sent to the engine, with no listener (rows are built, nobody receives them)
 *   deliver   … with a listener that only counts the rows it receives
 *   write     … with the generated ndjson writer into a sink that discards the bytes (what
 *             `weir run --format ndjson` does, less the file system)
 *
 *   npx tsx bench/probes/replay-breakdown.ts <workload> [file] [runs]
 *
 * Each figure is the median over `runs` fresh processes of the CPU time the stage's loop
 * took (module loading and deployment excluded); the differences between lines are the cost
 * of reading, of the engine, of the listener calls, and of formatting the rows.
 */
import { execFileSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ByteSink } from '../../src/io/byte-sink.js';
import { feedEvents } from '../../src/io/event-feed.js';
import { createWriter } from '../../src/io/output-writer.js';
import { createEngine } from '../../src/runtime/engine.js';
import { DATA_DIR, flatStockTickFile } from '../generate-data.js';
import { readQuery, workload } from '../workload-registry.js';

const STAGES = ['read', 'engine', 'deliver', 'write'] as const;
type Stage = (typeof STAGES)[number];

async function runStage(stage: Stage, name: string, file: string): Promise<void> {
  const engine = createEngine();
  engine.deploy(readQuery(workload(name)));
  let rows = 0;
  const discard = new Writable({
    write(chunk: Buffer, _encoding, done) {
      rows += chunk.length;
      done();
    },
  });
  const sink = new ByteSink(discard);
  const statements = engine.statements();
  if (stage === 'deliver') {
    for (const h of statements)
      h.subscribe((n, o) => {
        rows += (n?.length ?? 0) + (o?.length ?? 0);
      });
  }
  if (stage === 'write') {
    const writer = createWriter('ndjson', sink, statements);
    for (const h of statements) {
      const write = writer.statement(h.name, h.columns);
      h.subscribe((n, o, ctx) => write(ctx.time, n, o));
    }
  }
  const send = stage !== 'read';
  const started = process.cpuUsage();
  await feedEvents(
    [{ path: file, shown: file }],
    {
      timeField: 'ts',
      type: 'StockTick',
      schemaOf: (t) => engine.schema(t),
      typeNames: () => engine.schemaNames(),
    },
    'inline',
    {
      event: (type, event, timestamp) => {
        if (send) engine.send(type, event, timestamp);
        return true;
      },
      error: () => true,
    },
    () => undefined,
  );
  engine.flush();
  sink.flush();
  const used = process.cpuUsage(started);
  process.stdout.write(`${(used.user + used.system) / 1e6} ${rows}\n`);
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
}

async function main(): Promise<void> {
  const [name = 'sliding-avg', file = flatStockTickFile(DATA_DIR, 1_000_000, 100), runsText = '3', child] =
    process.argv.slice(2);
  if (child !== undefined) {
    await runStage(child as Stage, name, file);
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const cpu = new Map<Stage, number[]>(STAGES.map((s) => [s, []]));
  for (let r = 0; r < Number(runsText); r++) {
    for (const stage of STAGES) {
      const out = execFileSync('npx', ['tsx', self, name, file, runsText, stage], { encoding: 'utf8' });
      cpu.get(stage)?.push(Number(out.trim().split(' ')[0]));
    }
  }
  let before = 0;
  for (const stage of STAGES) {
    const s = median(cpu.get(stage) ?? []);
    process.stdout.write(
      `${stage.padEnd(8)} ${s.toFixed(2)} s CPU  (+${(s - before).toFixed(2)})  runs: ${(cpu.get(stage) ?? []).map((x) => x.toFixed(2)).join(' ')}\n`,
    );
    before = s;
  }
  process.stdout.write(
    `load average: ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
}

await main();
