/**
 * `weir run`'s output (src/cli/run-output.ts): rows first formatted on the main thread, then
 * handed to the writer thread midway, give the file of a run that never used the thread,
 * byte for byte, and the same length at every checkpoint; also when the file is a resumed
 * run's (bytes kept before the writer's first).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type RunOutput, openRunOutput } from '../../src/cli/run-output.js';
import type { Row } from '../../src/common/row.js';
import type { OutputFormat } from '../../src/io/output-writer.js';
import type { StatementColumns } from '../../src/io/update-writer.js';
import { createEngine } from '../../src/runtime/engine.js';
import { scratchDir } from '../io/temp-files.js';

const { dir } = scratchDir('weir-run-output-');

interface Call {
  readonly stmt: number;
  readonly time: number;
  readonly n: Row[] | null;
  readonly o: Row[] | null;
}

/** Statements of several shapes and their listener calls on 20,000 events. */
function recorded(): { statements: StatementColumns[]; calls: Call[] } {
  const engine = createEngine();
  engine.deploy(`create schema T(k string, v double, note string);
@name('avg') select irstream k, avg(v) as a, count(*) as n from T#time(2 sec) group by k;
@name('all') select * from T(v > 90);
@name('batch') select k, sum(v) as s, max(note) as hi from T#length_batch(500) group by k;`);
  const calls: Call[] = [];
  const statements = engine.statements().map((h, stmt) => {
    h.subscribe((n, o, ctx) => calls.push({ stmt, time: ctx.time, n, o }));
    return { name: h.name, columns: [...h.columns] };
  });
  for (let i = 0; i < 20_000; i++) {
    const note = i % 11 === 0 ? `"quoted", ${i}\n` : i % 13 === 0 ? null : `n${i % 300}é`;
    engine.send('T', { k: `k${i % 17}`, v: ((i * 7919) % 1000) / 10, note }, 1000 + i * 3);
  }
  engine.flush();
  return { statements, calls };
}

const discard = new Writable({ write: (_c, _e, done) => done() });

/** Replays the calls into an output, asking its length every `every` calls; the lengths asked. */
async function replay(output: RunOutput, calls: Call[], statements: StatementColumns[], every: number) {
  const writers = statements.map((s) => output.writer.statement(s.name, s.columns));
  const lengths: number[] = [];
  for (let i = 0; i < calls.length; i++) {
    const c = calls[i] as Call;
    writers[c.stmt]?.(c.time, c.n, c.o);
    if (i % every === every - 1) lengths.push(await output.length());
    // Time for the writer thread (started by now) to load, so that it takes over midway.
    if (i === 200) await new Promise((r) => setTimeout(r, 1000));
  }
  await output.finish(true);
  return lengths;
}

describe('weir run output handed to the writer thread midway', () => {
  const { statements, calls } = recorded();

  it('writes the bytes and lengths of a run on one thread (ndjson, csv; new and resumed files)', async () => {
    expect(calls.length).toBeGreaterThan(10_000);
    for (const format of ['ndjson', 'csv'] as OutputFormat[]) {
      for (const keep of [0, 1234]) {
        const files = [join(dir, `one.${format}`), join(dir, `two.${format}`)];
        const kept = Buffer.from('k'.repeat(keep));
        const runs: { bytes: Buffer; lengths: number[] }[] = [];
        for (const [i, path] of files.entries()) {
          writeFileSync(path, Buffer.concat([kept, Buffer.from('left over from a crashed run')]));
          const output = openRunOutput({
            path,
            shown: path,
            stdout: discard,
            keep,
            format,
            statements,
            thread: i === 1,
            threadAfterRows: 100,
          });
          const lengths = await replay(output, calls, statements, 3000);
          if (i === 1) expect(output.threaded, `${format} ${keep}`).toBe(true);
          runs.push({ bytes: readFileSync(path), lengths });
        }
        const [one, two] = runs as [(typeof runs)[0], (typeof runs)[0]];
        expect(one.bytes.subarray(0, keep).equals(kept)).toBe(true);
        expect(one.bytes.length).toBeGreaterThan(1_000_000);
        expect(two.bytes.equals(one.bytes), `${format} ${keep}`).toBe(true);
        expect(two.lengths).toEqual(one.lengths);
        expect(one.lengths.at(-1)).toBeLessThanOrEqual(one.bytes.length);
      }
    }
  }, 60_000);
});

describe('weir run output over a previous file', () => {
  const { statements, calls } = recorded();
  // A new run empties a previous --out off the main thread (no O_TRUNC): nothing of the old
  // content may survive, whatever is written, on one thread or with the writer thread.
  it('leaves exactly the new bytes when the old file was longer, or nothing when no row came', async () => {
    const few = calls.slice(0, 50);
    for (const thread of [false, true]) {
      for (const run of [few, []]) {
        const fresh = join(dir, `fresh-${thread}-${run.length}.ndjson`);
        const reused = join(dir, `reused-${thread}-${run.length}.ndjson`);
        writeFileSync(reused, Buffer.alloc(3_000_000, 'x'));
        for (const path of [fresh, reused]) {
          const output = openRunOutput({
            path,
            shown: path,
            stdout: discard,
            keep: 0,
            format: 'ndjson',
            statements,
            thread,
            threadAfterRows: thread ? 0 : undefined,
          });
          await replay(output, run, statements, 20);
        }
        const expected = readFileSync(fresh);
        expect(expected.length > 0).toBe(run.length > 0);
        expect(readFileSync(reused).equals(expected), `thread ${thread}, ${run.length} calls`).toBe(true);
      }
    }
  }, 60_000);
});
