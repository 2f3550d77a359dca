/**
 * Heap bytes per live partial match of a pattern workload:
 *   tsx --expose-gc bench/partial-match-memory.ts [workload] [events]
 * Replays the workload's events through Weir (no checksum listener) and, every `events / 10`
 * events, prints the heap growth since the first event (after full collections) divided by
 * the statement's live partial matches (`stats().windowSize`). The retained first-tag event
 * counts: the partial match holds it, as Esper's does.
 */
import { createEngine } from '../src/index.js';
import { typeAt } from './baselines/baseline.js';
import { eventInput, readQuery, workload } from './workload-registry.js';

const [name = 'pattern-100k-users', count = '300000'] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const heapUsed = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const input = eventInput(workload(name), Number(count));
const engine = createEngine();
const [handle] = engine.deploy(readQuery(workload(name)));
if (handle === undefined) throw new Error('no statement');
handle.subscribe(() => {});
const send = (i: number) =>
  engine.send(typeAt(input, i), input.events[i] as Record<string, unknown>, input.timestamps[i]);
send(0);
const start = heapUsed();
const step = Math.max(1, Math.floor(input.events.length / 10));
for (let i = 1; i < input.events.length; i++) {
  send(i);
  if ((i + 1) % step !== 0) continue;
  const grown = heapUsed() - start;
  const live = handle.stats().windowSize;
  const perLive = Math.round(grown / live);
  process.stdout.write(
    `${i + 1} events: ${live} live, +${(grown / 2 ** 20).toFixed(1)} MB, ${perLive} B each\n`,
  );
}
