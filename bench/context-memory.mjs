/**
 * Heap bytes per partition of a keyed context against heap bytes per deployed statement:
 *   npm run build && node --expose-gc bench/context-memory.mjs [keys] [statements]
 * (compiled code: a TypeScript loader's name-keeping helpers add a property store to every
 * closure and would inflate both figures several times.)
 * A keyed context with `keys` keys runs one instance of its statement per key; the instances
 * share the statement's compiled plan, expressions and layouts (the factory) and own only
 * their state. The same statement deployed `statements` times (one per key, filtering on it)
 * pays for parsing, planning and compiling each time. Each key sends one event, which its
 * partition (or statement) keeps in its window; heap is measured after full collections.
 * Two statements:
 * - count: `count(*), sum(v)` over `#length(2)`: a ring, two aggregators.
 * - grouped: `g, count(*), sum(v)` over `#time(10 min)` grouped by `g`: a ring with arrival
 *   times, the pending expiry timer, one group with two aggregators.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../dist/index.js';

const [first = '100000', second = '2000', third] = process.argv.slice(2);
if (globalThis.gc === undefined) throw new Error('run with node --expose-gc');
const heapUsed = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};
const SCHEMA = 'create schema E(k string, v long);\ncreate schema G(k string, g string, v long);\n';

/**
 * Each variant's stream, its statement (given the stream as written: `E` in the context,
 * `E(k = '…')` alone) and its events (one per key).
 */
const VARIANTS = {
  count: {
    stream: 'E',
    statement: (from) => `select count(*) as n, sum(v) as total from ${from}#length(2)`,
    event: (i) => ({ k: `k${i}`, v: i }),
  },
  grouped: {
    stream: 'G',
    statement: (from) => `select g, count(*) as n, sum(v) as total from ${from}#time(10 min) group by g`,
    event: (i) => ({ k: `k${i}`, g: `g${i % 10}`, v: i }),
  },
};

function perPartition(variant, keys) {
  const { stream, statement, event } = VARIANTS[variant];
  const engine = createEngine();
  engine.deploy(`${SCHEMA}create context ByKey partition by k from ${stream};
    @name('s') context ByKey ${statement(stream)};`);
  engine.statement('s').subscribe(() => {});
  engine.send(stream, event(-1), 1);
  engine.flush();
  const start = heapUsed();
  for (let i = 0; i < keys; i++) engine.send(stream, event(i), 2 + i);
  engine.flush();
  const grown = heapUsed() - start;
  if (engine.statement('s').stats().windowSize !== keys + 1) throw new Error('a partition is missing');
  return grown / keys;
}

function perStatement(variant, statements) {
  const { stream, statement, event } = VARIANTS[variant];
  const engine = createEngine();
  engine.deploy(SCHEMA);
  engine.send(stream, event(-1), 1);
  engine.flush();
  const start = heapUsed();
  for (let i = 0; i < statements; i++) {
    const [handle] = engine.deploy(`${statement(`${stream}(k = 'k${i}')`)};`);
    handle.subscribe(() => {});
    engine.send(stream, event(i), 2 + i);
  }
  engine.flush();
  return (heapUsed() - start) / statements;
}

// Each figure in a process of its own: a first engine collected during the second
// measurement would make the second look free.
if (first === 'partition') process.stdout.write(String(perPartition(third, Number(second))));
else if (first === 'statement') process.stdout.write(String(perStatement(third, Number(second))));
else {
  const keys = Number(first);
  const statements = Number(second);
  const measure = (mode, n, variant) =>
    Number(
      execFileSync(
        process.execPath,
        ['--expose-gc', fileURLToPath(import.meta.url), mode, String(n), variant],
        { encoding: 'utf8' },
      ),
    );
  const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
  for (const variant of Object.keys(VARIANTS)) {
    const partition = measure('partition', keys, variant);
    const statement = measure('statement', statements, variant);
    process.stdout.write(
      `${variant}: ${VARIANTS[variant].statement(VARIANTS[variant].stream)}\n` +
        `  keyed context, ${keys} keys: ${Math.round(partition)} B per partition (${mb(partition * keys)} MB in all)\n` +
        `  the same statement deployed ${statements} times: ${Math.round(statement)} B per statement\n` +
        `  a partition costs ${(partition / statement).toFixed(3)} of a statement\n`,
    );
  }
}
