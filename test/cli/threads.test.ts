/**
 * `weir run` with the read worker (--threads 2, the default for NDJSON input of a megabyte or
 * more) against one thread (--threads 1): on the same query and files, with out-of-order
 * events (some reordered, some late), malformed lines skipped and statements of several
 * shapes, both print exactly the same output and the same report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { WORKER_MIN_BYTES } from '../../src/cli/replay.js';
import { bootReadWorker } from '../../src/io/worker-reader.js';
import { scratchDir } from '../io/temp-files.js';
import { runCli } from '../support/run-cli.js';

const { dir, file } = scratchDir('weir-threads-');

const QUERY = file(
  'q.epl',
  `create schema Tick(symbol string, price double, volume long);
@name('avg') select irstream symbol, avg(price) as a from Tick#time(2 sec) group by symbol;
@name('big') select * from Tick(volume > 990);
@name('batch') select symbol, count(*) as n from Tick#time_batch(1 sec) group by symbol;
`,
);

function events(count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    // Mostly in order; every 50th event 300 ms early (reordered within --lateness 500 msec), every
    // 997th 5 s early (late), every 1,009th line malformed, every 1,013th a volume that is not
    // a long (the engine refuses the event, naming its file and line).
    const ts = 1000 + i * 10 - (i % 50 === 0 ? 300 : 0) - (i % 997 === 0 ? 5000 : 0);
    const volume = i % 1013 === 1012 ? 2.5 : i % 1000;
    const data = { symbol: `S${(i * 7) % 13}é`, price: (i % 1000) / 8, volume };
    lines.push(
      i % 1009 === 1008 ? `{"type":"Tick","ts":${ts},"data":` : JSON.stringify({ type: 'Tick', ts, data }),
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('weir run --threads', () => {
  const first = file('a.ndjson', events(14_000));
  const second = file('b.ndjson', events(3_000));

  /** Both files, some events reordered, some late, malformed lines skipped. */
  const both = (format: string) => [
    'run',
    QUERY,
    '--events',
    first,
    second,
    '--lateness',
    '500 msec',
    '--on-error',
    'skip',
    '--format',
    format,
  ];

  it('prints the same with the read worker as on one thread', async () => {
    const args = both('updates');
    const one = await runCli([...args, '--threads', '1']);
    const two = await runCli([...args, '--threads', '2']);
    expect(Buffer.byteLength(events(14_000))).toBeGreaterThan(WORKER_MIN_BYTES);
    expect(one.code).toBe(0);
    expect(one.stdout.split('\n').length).toBeGreaterThan(20_000);
    expect(one.stderr).toContain('skipped: ');
    expect(one.stderr).toContain('late event: ');
    expect(one.stderr).toMatch(
      /skipped: \S*a\.ndjson:1013: Property 'volume' of event type 'Tick' must be long/,
    );
    expect(two.stdout).toBe(one.stdout);
    // The report is the same too, but for the time it took.
    const withoutTime = (s: string) => s.replace(/weir: [\d.]+ s, \d+ events\/s/, 'weir: <time>');
    expect(withoutTime(two.stderr)).toBe(withoutTime(one.stderr));
  });

  it('takes the read worker the bin booted before the command line loaded, with the same output, or closes it', async () => {
    const args = both('updates');
    const one = await runCli([...args, '--threads', '1']);
    const booted = () => {
      const idle = bootReadWorker();
      return { take: vi.fn(idle.take), close: vi.fn(idle.close) };
    };
    const taken = booted();
    const two = await runCli(args, { readWorker: taken });
    expect(taken.take).toHaveBeenCalledTimes(1);
    expect(two.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    // A run that reads on one thread, or that fails before it reads, ends it.
    for (const run of [
      [...args, '--threads', '1'],
      ['run', QUERY, '--events', first, '--lateness', 'soon'],
    ]) {
      const unused = booted();
      const r = await runCli(run, { readWorker: unused });
      expect(r.code === 0 ? r.stdout : r.stderr).not.toBe('');
      expect(unused.take).not.toHaveBeenCalled();
      expect(unused.close).toHaveBeenCalledTimes(1);
    }
  });

  it('reads CSV on the worker with the same output and report (a quoted cell midway: csv-parse takes over)', async () => {
    const rows = ['symbol,price,volume,ts'];
    for (let i = 0; i < 60_000; i++) {
      const ts = 1000 + i * 10 - (i % 50 === 0 ? 300 : 0);
      const symbol = i === 40_000 ? '"S,1"' : `S${(i * 7) % 13}`;
      rows.push(
        i % 1009 === 1008 ? `${symbol},x,${i},${ts}` : `${symbol},${(i % 1000) / 8},${i % 1000},${ts}`,
      );
    }
    const csv = file('t.csv', `${rows.join('\n')}\n`);
    expect(Buffer.byteLength(rows.join('\n'))).toBeGreaterThan(WORKER_MIN_BYTES);
    const args = ['run', QUERY, '--events', csv, '--type', 'Tick', '--lateness', '500 msec'];
    const run = (threads: string) =>
      runCli([...args, '--on-error', 'skip', '--format', 'updates', '--threads', threads]);
    const one = await run('1');
    const two = await run('2');
    expect(one.code).toBe(0);
    expect(one.stderr).toContain("column 'price': cannot read");
    expect(one.stdout).toContain('"S,1"');
    expect(two.stdout).toBe(one.stdout);
    const withoutTime = (s: string) => s.replace(/weir: [\d.]+ s, \d+ events\/s/, 'weir: <time>');
    expect(withoutTime(two.stderr)).toBe(withoutTime(one.stderr));
  });

  it('stops at the first malformed line with the same output and message', async () => {
    const args = ['run', QUERY, '--events', first, '--format', 'ndjson'];
    const one = await runCli([...args, '--threads', '1']);
    const two = await runCli([...args, '--threads', '2']);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/a\.ndjson:1009: invalid JSON/);
    expect(two).toEqual(one);
  });

  it('writes --out files on the writer thread byte for byte as on one thread (ndjson, csv), same report', async () => {
    // The thread takes over as soon as it runs (not after THREAD_AFTER_ROWS rows).
    vi.stubEnv('WEIR_WRITER_THREAD_AFTER_ROWS', '0');
    for (const format of ['ndjson', 'csv']) {
      const run = async (threads: string) => {
        const out = join(dir, `out-${threads}.${format}`);
        const r = await runCli([...both(format), '--out', out, '--threads', threads]);
        return { ...r, bytes: readFileSync(out) };
      };
      const one = await run('1');
      const two = await run('2');
      expect(one.code).toBe(0);
      expect(one.bytes.length).toBeGreaterThan(1_000_000);
      expect(two.bytes.equals(one.bytes), format).toBe(true);
      const withoutTime = (s: string) => s.replace(/weir: [\d.]+ s, \d+ events\/s/, 'weir: <time>');
      expect(withoutTime(two.stderr)).toBe(withoutTime(one.stderr));
    }
    vi.unstubAllEnvs();
  });

  it.runIf(existsSync('/dev/full'))(
    'stops with a clear error when --out cannot be written (a full disk), on either thread count',
    async () => {
      for (const threads of ['1', '2']) {
        for (const events of [[second], [first, second]]) {
          vi.stubEnv('WEIR_WRITER_THREAD_AFTER_ROWS', '0');
          const r = await runCli([
            'run',
            QUERY,
            '--events',
            ...events,
            '--format',
            'csv',
            '--on-error',
            'skip',
            '--quiet',
            '--out',
            '/dev/full',
            '--threads',
            threads,
          ]);
          vi.unstubAllEnvs();
          expect(r.code, `${threads} ${events.length}`).toBe(2);
          expect(r.stderr).toBe(
            "weir: error[io/write-failed]: --out '/dev/full': cannot write: ENOSPC: no space left on device, write\n",
          );
        }
      }
    },
  );
});
