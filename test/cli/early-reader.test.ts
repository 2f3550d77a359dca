/**
 * The bin's guess (src/cli/early-reader.ts) of whether `weir <args>` will read its files on
 * a worker thread, made from its arguments before the command line loads: a read worker is
 * booted only for a replay whose files add up to WORKER_MIN_BYTES or more, never for one
 * thread, a checkpointed run, standard input, or a file it cannot see.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { looksLikeWorkerReplay } from '../../src/cli/early-reader.js';
import { WORKER_MIN_BYTES } from '../../src/io/worker-reader.js';
import { scratchDir } from '../io/temp-files.js';

const { dir, file } = scratchDir('weir-early-');
const big = file('big.ndjson', Buffer.alloc(WORKER_MIN_BYTES, 0x20));
const half = file('half.ndjson', Buffer.alloc(WORKER_MIN_BYTES / 2, 0x20));
const small = file('small.ndjson', Buffer.alloc(WORKER_MIN_BYTES - 1, 0x20));
mkdirSync(join(dir, 'sub'));

const guess = (...args: string[]) => looksLikeWorkerReplay(args, dir);

describe('the read worker the bin boots early', () => {
  it('is booted for a replay of files of WORKER_MIN_BYTES or more', () => {
    expect(guess('run', 'q.epl', '--events', big)).toBe(true);
    expect(guess('run', 'q.epl', '--events', 'big.ndjson', '--type', 'T')).toBe(true);
    expect(guess('run', '--events=big.ndjson', 'q.epl')).toBe(true);
    expect(guess('run', 'q.epl', '--events', half, half, '--quiet')).toBe(true);
    expect(guess('run', 'q.epl', '--events', half, '--events', half)).toBe(true);
    expect(guess('run', 'q.epl', '--events', big, '--threads', '2')).toBe(true);
  });

  it('is not booted when the run reads inline or later, or is not a run', () => {
    expect(guess('run', 'q.epl', '--events', small)).toBe(false);
    expect(guess('run', 'q.epl', '--events', half, '--type', 'T', half)).toBe(false);
    expect(guess('run', 'q.epl', '--events', big, '--threads', '1')).toBe(false);
    expect(guess('run', 'q.epl', '--events', big, '--threads=1')).toBe(false);
    expect(guess('run', 'q.epl', '--events', big, '--checkpoint', 'cp', '--out', 'o')).toBe(false);
    expect(guess('run', 'q.epl', '--events', big, '--checkpoint=cp')).toBe(false);
    expect(guess('run', 'q.epl', '--events', big, '-')).toBe(false);
    expect(guess('run', 'q.epl', '--events', big, 'missing.ndjson')).toBe(false);
    expect(guess('run', 'q.epl', '--events', big, 'sub')).toBe(false);
    expect(guess('run', 'q.epl')).toBe(false);
    expect(guess('check', 'q.epl', '--events', big)).toBe(false);
    expect(guess()).toBe(false);
  });
});
