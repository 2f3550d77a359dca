/**
 * Starts one of Weir's worker_threads entries (read-worker, write-worker) from the module
 * next to the code that starts it: the built file (`./<name>.js`), or under a TypeScript
 * loader (tests run the sources) the `.ts` source through the same loader (tsx), registered
 * in the worker first.
 */
import { type Transferable, Worker } from 'node:worker_threads';

export function startWorker(
  name: string,
  from: string,
  workerData: unknown,
  transferList: readonly Transferable[] = [],
): Worker {
  const options = { workerData, transferList: [...transferList] };
  if (!from.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, from), options);
  const url = new URL(`./${name}.ts`, from).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
