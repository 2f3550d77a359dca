/**
 * Run with `node --expose-gc --import tsx`: prints whether an event held by a statement's
 * window is still reachable after a GC, once while the statement runs and once after it was
 * undeployed (test/runtime/instances.test.ts).
 */
import { createEngine } from '../../src/index.js';

declare const gc: () => void;

async function collect(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function main(): Promise<void> {
  const engine = createEngine();
  const [stmt] = engine.deploy(`
    create schema T(k string, v double);
    @name('w') select * from T#time(1 hour);
  `);
  let held: WeakRef<object> | undefined;
  const unsubscribe = stmt?.subscribe((rows) => {
    if (rows !== null && held === undefined) held = new WeakRef(rows[0] as object);
  });
  engine.send('T', { k: 'x', v: 1 }, 1000);
  unsubscribe?.();
  await collect();
  const whileRunning = held?.deref() !== undefined;
  stmt?.undeploy();
  await collect();
  const afterUndeploy = held?.deref() !== undefined;
  process.stdout.write(
    JSON.stringify({ whileRunning, afterUndeploy, pendingTimers: engine.stats().pendingTimers }),
  );
}

await main();
