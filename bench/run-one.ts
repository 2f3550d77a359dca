/**
 * Child-process entry, so every measurement starts from a fresh heap and JIT:
 *   tsx --expose-gc bench/run-one.ts <workload> <weir|baseline|weir-streamed> <events> [symbols]
 * prints one Measurement (or Pending) as a JSON line. With --expose-gc (run.ts passes it) the
 * heap is collected before the timed loop (measure.ts: settleHeap); without it, it is not.
 */
import { measureBaseline, measureWeir, measureWeirStreamed } from './measure.js';
import { eventInput, withSymbols, workload } from './workload-registry.js';

const [name, mode, count, symbols] = process.argv.slice(2);
const w = withSymbols(workload(name as string), symbols === undefined ? undefined : Number(symbols));
const events = Number(count);
const result =
  mode === 'weir-streamed'
    ? measureWeirStreamed(w, events)
    : mode === 'weir'
      ? measureWeir(w, eventInput(w, events))
      : measureBaseline(w, eventInput(w, events));
process.stdout.write(`${JSON.stringify(result)}\n`);
