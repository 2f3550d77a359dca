import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PROGRESS_MIN_BYTES, createProgress } from '../../src/cli/progress.js';

function terminal(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  Object.assign(stream, {
    isTTY: true,
    columns: 120,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  });
  return { stream, text: () => chunks.join('') };
}

const MIB = 1024 * 1024;

describe('createProgress', () => {
  it('draws a bar by MiB read for a large input on a terminal', () => {
    const t = terminal();
    const p = createProgress(t.stream, 64 * MIB, true);
    p.update(32 * MIB);
    p.stop();
    expect(t.text()).toContain('replay [');
    expect(t.text()).toMatch(/\| \d+\/64 MiB/);
  });

  it('stays silent for a small input or when not asked to show', () => {
    const small = terminal();
    const p = createProgress(small.stream, PROGRESS_MIN_BYTES - 1, true);
    p.update(PROGRESS_MIN_BYTES - 1);
    p.stop();
    expect(small.text()).toBe('');
    const hidden = terminal();
    const q = createProgress(hidden.stream, 64 * MIB, false);
    q.update(32 * MIB);
    q.stop();
    expect(hidden.text()).toBe('');
  });
});
