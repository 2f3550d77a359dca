/**
 * Heap bytes per partition of a keyed context against heap bytes per deployed statement:
 *   npm run build && node --expose-gc bench/context-memory.mjs [keys] [statements]
 * (compiled code: a TypeScript loader's name-keeping helpers add a property store to every
 * closure and would inflate both figures several times.)
 * A keyed context with `keys` keys runs one instance of its statement per key; the instances
 * share the statement's compiled plan, expressions and layouts (the factory) and own only
 * their state. The same statement deployed `statements` times (one per key, filtering on it)
 * pays for parsing, planning and compiling each time. Both hold one event per key in a
 * length(2) window with two aggregates; heap is measured after full collections.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../dist/index.js';

const [first = '100000', second = '2000'] = process.argv.slice(2);
if (globalThis.gc === undefined) throw new Error('run with node --expose-gc');
const heapUsed = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};
const SCHEMA = 'create schema E(k string, v long);\n';

function perPartition(keys) {
  const engine = createEngine();
  engine.deploy(`${SCHEMA}create context ByKey partition by k from E;
    @name('s') context ByKey select count(*) as n, sum(v) as total from E#length(2);`);
  engine.statement('s').subscribe(() => {});
  engine.send('E', { k: 'warm', v: 1 }, 1);
  engine.flush();
  const start = heapUsed();
  for (let i = 0; i < keys; i++) engine.send('E', { k: `k${i}`, v: i }, 2 + i);
  engine.flush();
  const grown = heapUsed() - start;
  if (engine.statement('s').stats().windowSize !== keys + 1) throw new Error('a partition is missing');
  return grown / keys;
}

function perStatement(statements) {
  const engine = createEngine();
  engine.deploy(SCHEMA);
  engine.send('E', { k: 'warm', v: 1 }, 1);
  engine.flush();
  const start = heapUsed();
  for (let i = 0; i < statements; i++) {
    const [handle] = engine.deploy(`select count(*) as n, sum(v) as total from E(k = 'k${i}')#length(2);`);
    handle.subscribe(() => {});
    engine.send('E', { k: `k${i}`, v: i }, 2 + i);
  }
  engine.flush();
  return (heapUsed() - start) / statements;
}

// Each figure in a process of its own: a first engine collected during the second
// measurement would make the second look free.
if (first === 'partition') process.stdout.write(String(perPartition(Number(second))));
else if (first === 'statement') process.stdout.write(String(perStatement(Number(second))));
else {
  const keys = Number(first);
  const statements = Number(second);
  const measure = (mode, n) =>
    Number(
      execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), mode, String(n)], {
        encoding: 'utf8',
      }),
    );
  const partition = measure('partition', keys);
  const statement = measure('statement', statements);
  const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
  process.stdout.write(
    `keyed context, ${keys} keys: ${Math.round(partition)} B per partition (${mb(partition * keys)} MB in all)\n` +
      `the same statement deployed ${statements} times: ${Math.round(statement)} B per statement\n` +
      `a partition costs ${(partition / statement).toFixed(3)} of a statement (${keys} statements: ${mb(statement * keys)} MB)\n`,
  );
}
