import { expect } from 'vitest';
import { createEngine } from '../../src/runtime/engine.js';

const SCHEMA = 'create schema T(k string, v long);\n';

/**
 * Statement kinds, some of which may not be checkpointable yet (their parts are converted to
 * the state contract one by one). The independent expectation for each: the library engine,
 * once events have built its operators, either snapshots it or fails with snapshot/unsupported.
 */
export const CHECKPOINT_KINDS: Record<string, string> = {
  filter: 'select k, v from T(v > 1)',
  time: 'select irstream k from T#time(1 sec)',
  length: 'select irstream k from T#length(2)',
  unique: 'select irstream k from T#unique(k)',
  aggregate: 'select k, sum(v) as s from T group by k',
  pattern: 'select a.v as x from pattern [every a=T -> b=T(v > a.v)]',
  outputLimit: 'select k, count(*) as n from T output last every 2 events',
  matchRecognize:
    'select * from T match_recognize (measures A.v as a, B.v as b pattern (A B) define B as B.v > A.v)',
};

export function libraryVerdict(statement: string): string | undefined {
  const engine = createEngine();
  engine.deploy(`${SCHEMA}@name('q') ${statement};\n`);
  engine.send('T', { k: 'a', v: 1 }, 1000);
  engine.send('T', { k: 'b', v: 2 }, 1100);
  try {
    engine.snapshot();
    return undefined;
  } catch (e) {
    expect(e).toMatchObject({ code: 'snapshot/unsupported' });
    return (e as Error).message;
  }
}
