/**
 * `weir run --checkpoint DIR`: a run that stopped (a bad line, a SIGKILL at any moment) and is
 * run again with the same command resumes from its last checkpoint, and the finished output
 * file is byte for byte the output of a run that never stopped.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../io/temp-files.js';
import { runCli } from '../support/run-cli.js';

const { dir, file } = scratchDir('weir-checkpoint-');

/**
 * A sliding aggregate, batch windows, a join, a plain filter, a pattern (partial matches with
 * timers), a named window with a consumer and an on-delete, output clauses (time- and
 * count-driven), a context with partitions ending by timer, and a table, over two streams.
 */
const QUERY = file(
  'q.epl',
  `create schema A(k string, v double);
create schema B(k string, w double);
@name('avg') select k, avg(v) as a, count(*) as n from A#time(2 sec) group by k having avg(v) > 70;
@name('batch') select k, sum(v) as s from A#length_batch(2000) group by k;
@name('tbatch') select k, count(*) as n, max(v) as hi from A#time_batch(1 sec) group by k;
@name('join') select a.k as k, a.v as v, b.w as w from A#time(50 msec) as a, B#time(50 msec) as b where a.k = b.k and a.v > 97;
@name('big') select k, w from B(w > 99);
@name('pattern') select a.k as k, a.v as v, b.w as w from pattern [every a=A(v > 99.5) -> b=B(k = a.k) where timer:within(300 msec)];
@name('nw') create window Recent#time(500 msec) as B;
@name('nwins') insert into Recent select * from B(w > 90);
@name('nwdel') on A(v < 1) as a delete from Recent as r where r.k = a.k;
@name('nwout') select k, count(*) as n from Recent group by k output last every 2 sec;
@name('outall') select k, sum(v) as s from A#length(100) group by k output all every 5000 events;
create context Burst initiated by A(v > 99.9) as s terminated after 1 sec;
@name('ctx') context Burst select context.s.k as trig, count(*) as n, max(w) as hi from B output when terminated;
create table Tot(k string primary key, n count(*), s sum(double));
@name('into') into table Tot select count(*) as n, sum(w) as s from B group by k;
@name('tab') select k, Tot[k].n as n, Tot[k].s as s from A(v > 99.8);
`,
);

/** `n` events of A and B over 20 keys, a few ms apart, from a fixed seed (no Math.random: the file is the same every run). */
function events(n: number): string {
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  let t = 1_000_000;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    t += Math.floor(rnd() * 20);
    const k = `s${Math.floor(rnd() * 20)}`;
    lines.push(
      i % 7 === 3
        ? JSON.stringify({ type: 'B', ts: t, k, w: Math.round(rnd() * 1000) / 10 })
        : JSON.stringify({ type: 'A', ts: t, k, v: Math.round(rnd() * 1000) / 10 }),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `weir run` arguments of a checkpointed run (after the command name). */
function checkpointed(ev: string, out: string, ckpt: string, every: string): string[] {
  return [QUERY, '--events', ev, '--out', out, '--checkpoint', ckpt, '--checkpoint-every', every];
}

async function straightRun(eventsFile: string, out: string, extra: string[] = []): Promise<Buffer> {
  const r = await runCli(['run', QUERY, '--events', eventsFile, '--out', out, '--quiet', ...extra]);
  expect(r.code).toBe(0);
  return readFileSync(out);
}

const root = fileURLToPath(new URL('../..', import.meta.url));
/** The crash test's `weir`: the CLI bundled as `npm run build` bundles it (a process starts in a fraction of tsx's time). */
const bundleDir = join(root, 'node_modules/.cache/weir-checkpoint-test/cli');

describe('weir run --checkpoint', () => {
  beforeAll(() => {
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { bundleCli } from './build/bundle-cli.mjs'; await bundleCli(${JSON.stringify(bundleDir)});`,
      ],
      { cwd: root },
    );
  }, 60_000);
  afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

  it('refuses what it cannot resume: no --out, --format table, a bad --checkpoint-every', async () => {
    const ev = file('few.ndjson', events(10));
    const noOut = await runCli(['run', QUERY, '--events', ev, '--checkpoint', join(dir, 'c0')]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toBe(
      'weir: error[cli/invalid-option]: --checkpoint needs --out <file>: a resumed run truncates the output to the checkpoint, which stdout cannot do\n',
    );
    const table = await runCli([
      'run',
      QUERY,
      '--events',
      ev,
      '--out',
      join(dir, 't.txt'),
      '--format',
      'table',
      '--checkpoint',
      join(dir, 'c0'),
    ]);
    expect(table.stderr).toContain('--checkpoint cannot resume --format table');
    for (const bad of ['0', 'often', '-5 sec', '0 sec']) {
      const r = await runCli([
        'run',
        QUERY,
        '--events',
        ev,
        '--out',
        join(dir, 'x'),
        '--checkpoint',
        join(dir, 'c0'),
        '--checkpoint-every',
        bad,
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^weir: error\[cli\/invalid-option\]: --checkpoint-every /);
    }
    const alone = await runCli(['run', QUERY, '--events', ev, '--checkpoint-every', '5']);
    expect(alone.stderr).toBe(
      'weir: error[cli/invalid-option]: --checkpoint-every needs --checkpoint <dir>\n',
    );
  });

  it('resumes after a run stopped at a bad line: output truncated, input sought, summary says from where', async () => {
    // Checkpoints are taken between reader batches (about 1 MiB of input each): 60,000 events make three.
    const good = events(60_000);
    const lines = good.split('\n');
    // Line 55001 made malformed, with the same length, so the fixed file has the same offsets.
    const broken = [...lines];
    const original = lines[55_000] as string;
    broken[55_000] = `{${'x'.repeat(original.length - 2)}}`;
    const ev = file('stop.ndjson', broken.join('\n'));
    const out = join(dir, 'stop-out.ndjson');
    const ckpt = join(dir, 'stop-ckpt');
    for (const format of ['ndjson', 'csv']) {
      const args = ['run', ...checkpointed(ev, out, ckpt, '1000'), '--format', format];
      writeFileSync(ev, broken.join('\n'));
      const first = await runCli(args);
      expect(first.code).toBe(2);
      expect(existsSync(join(ckpt, 'checkpoint.weir'))).toBe(true);
      writeFileSync(ev, good);
      const second = await runCli(args);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toMatch(
        /^weir: resumed from the checkpoint in .*stop-ckpt: .*stop\.ndjson after line [1-9]\d+ \(byte [1-9]\d+\), output kept to [1-9]\d+ bytes\nweir: 60000 events read, 60000 processed, 0 late, 0 malformed\n/,
      );
      // The finished run leaves no checkpoint: the same command starts afresh.
      expect(existsSync(join(ckpt, 'checkpoint.weir'))).toBe(false);
      const expected = await straightRun(ev, join(dir, `stop-straight.${format}`), ['--format', format]);
      expect(readFileSync(out).equals(expected)).toBe(true);
    }
  });

  it('refuses a checkpoint of another run', async () => {
    const ev = join(dir, 'other.ndjson');
    const out = join(dir, 'other-out.ndjson');
    const ckpt = join(dir, 'other-ckpt');
    const broken = `${events(60_000)}{"type":\n`;
    writeFileSync(ev, broken);
    const args = ['run', ...checkpointed(ev, out, ckpt, '500')];
    expect((await runCli(args)).code).toBe(2);
    const other = await runCli([...args, '--lateness', '1 sec']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      /^weir: error\[checkpoint\/mismatch\]: The checkpoint in .*other-ckpt belongs to another run \(it was taken with another lateness: 0\); run the same command, or remove .* to start over\n$/,
    );
    writeFileSync(out, 'x');
    const shortOut = await runCli(args);
    expect(shortOut.stderr).toMatch(
      /--out '.*other-out\.ndjson' holds 1 bytes, fewer than the \d+ the checkpoint recorded/,
    );
  });

  it(
    'after SIGKILLs at random moments, the output is byte for byte the uninterrupted run',
    { timeout: 240_000 },
    async () => {
      const ev = file('crash.ndjson', events(200_000));
      const expected = await straightRun(ev, join(dir, 'crash-straight.ndjson'));
      const out = join(dir, 'crash-out.ndjson');
      const ckpt = join(dir, 'crash-ckpt');
      let seed = 11;
      const rnd = () => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed / 0x7fffffff;
      };
      let kills = 0;
      /** Runs started with a checkpoint to resume from. */
      let resumed = 0;
      const checkpointFile = join(ckpt, 'checkpoint.weir');
      const checkpointTime = () => (existsSync(checkpointFile) ? statSync(checkpointFile).mtimeMs : 0);
      for (let attempt = 0; attempt < 60; attempt++) {
        const resuming = existsSync(checkpointFile);
        if (resuming) resumed++;
        const before = checkpointTime();
        const child = spawn(
          process.execPath,
          [join(bundleDir, 'main.js'), 'run', ...checkpointed(ev, out, ckpt, '5000')],
          // The writer thread takes the rows as soon as it runs: checkpoints and kills hit it too.
          {
            stdio: ['ignore', 'ignore', 'pipe'],
            env: { ...process.env, WEIR_WRITER_THREAD_AFTER_ROWS: '0' },
          },
        );
        let stderr = '';
        child.stderr?.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
        if (kills < 10) {
          // Killed at a random moment once it has started working (its output or checkpoint
          // moved); every other time only after it wrote a checkpoint, so that runs resume
          // however slow the machine is.
          if (kills % 2 === 0) await startedWork(child, out, ckpt);
          else await until(() => checkpointTime() !== before || child.exitCode !== null);
          await new Promise((r) => setTimeout(r, 50 + rnd() * 700));
          child.kill('SIGKILL');
          const code = await exited;
          if (code === null) kills++;
          continue;
        }
        const code = await exited;
        expect(code, stderr).toBe(0);
        expect(stderr.includes('resumed from the checkpoint')).toBe(resuming);
        break;
      }
      expect(kills).toBeGreaterThanOrEqual(10);
      expect(resumed).toBeGreaterThanOrEqual(5);
      expect(statSync(out).size).toBe(expected.length);
      expect(readFileSync(out).equals(expected)).toBe(true);
    },
  );
});

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 2400 && !done(); i++) await new Promise((r) => setTimeout(r, 25));
}

/** Resolves once the child has started replaying (output or checkpoint file exists and is non-empty), or exited. */
async function startedWork(child: ChildProcess, out: string, ckpt: string): Promise<void> {
  const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
  const before = size(out) + size(join(ckpt, 'checkpoint.weir'));
  for (let i = 0; i < 400 && child.exitCode === null; i++) {
    if (size(out) + size(join(ckpt, 'checkpoint.weir')) !== before) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}
