/** Child process entry: `tsx bench/run-one.ts <workload> <weir|baseline> <events>` prints one Measurement as JSON. */
import { measureBaseline, measureWeir } from './measure.js';
import { workload } from './workloads.js';

const [name, mode, count] = process.argv.slice(2);
const w = workload(name as string);
const input = w.input(Number(count));
const result = mode === 'weir' ? measureWeir(w, input) : measureBaseline(w, input);
process.stdout.write(`${JSON.stringify(result)}\n`);
