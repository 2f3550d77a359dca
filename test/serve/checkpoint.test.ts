import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_FILE, readCheckpoint, writeCheckpoint } from '../../src/serve/checkpoint-file.js';
import { openSse } from './sse-client.js';
import { serveForTest } from './start.js';

const EPL = "create schema T(k string, v long);\n@name('big') select k, v from T(v > 1);\n";

function post(url: string, lines: string[]) {
  return fetch(`${url}/events`, { method: 'POST', body: lines.join('\n') });
}
const ev = (ts: number, v: number) => JSON.stringify({ type: 'T', ts, data: { k: `e${v}`, v } });

describe('serve checkpoints', () => {
  it('writes and reads a checkpoint, and names a truncated or corrupt file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-ckpt-'));
    expect(readCheckpoint(dir)).toBeUndefined();
    const snapshot = new Uint8Array([1, 2, 3, 4]);
    writeCheckpoint(
      dir,
      { epl: EPL, takenAt: 5, sources: { s: { streamSeq: 9 } }, updateSeq: { big: 3 } },
      snapshot,
    );
    const back = readCheckpoint(dir);
    expect(back?.manifest).toEqual({
      format: 1,
      epl: EPL,
      takenAt: 5,
      sources: { s: { streamSeq: 9 } },
      updateSeq: { big: 3 },
    });
    expect([...(back?.snapshot ?? [])]).toEqual([1, 2, 3, 4]);
    const path = join(dir, CHECKPOINT_FILE);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, 30));
    expect(() => readCheckpoint(dir)).toThrow(/checkpoint\.weir is truncated/);
    const flipped = Buffer.from(bytes);
    flipped[20] = (flipped[20] as number) ^ 0x40;
    writeFileSync(path, flipped);
    expect(() => readCheckpoint(dir)).toThrow(/corrupt \(manifest checksum\)/);
    writeFileSync(path, 'hello');
    expect(() => readCheckpoint(dir)).toThrow(/not a Weir checkpoint/);
  });

  it('resumes a served engine where the last checkpoint left it, message numbering included', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'weir-ckpt-')), 'state');
    const first = await serveForTest(EPL, { checkpoint: { dir, everyMs: 60_000 } });
    expect(first.restored).toBe(false);
    await post(first.url, [ev(1000, 5), ev(2000, 1)]);
    await first.stop(); // a clean stop takes a last checkpoint

    const second = await serveForTest(EPL, { checkpoint: { dir, everyMs: 60_000 } });
    expect(second.restored).toBe(true);
    expect(second.engine.stats()).toMatchObject({ eventsIn: 2, currentTime: 2000 });
    expect(second.service.updateSeq.get('big')).toBe(1);
    const sse = await openSse(`${second.url}/statements/big/updates`);
    // Event time continues: an event older than the restored clock is late.
    const late = await (await post(second.url, [ev(1500, 7), ev(3000, 9)])).json();
    expect(late).toMatchObject({ accepted: 1, late: 1 });
    expect(await sse.take(1)).toEqual([{ stmt: 'big', time: 3000, new: [{ k: 'e9', v: 9 }], old: null }]);
    sse.close();
    await second.stop();

    await expect(
      serveForTest(`${EPL}@name('other') select k from T;\n`, { checkpoint: { dir, everyMs: 60_000 } }),
    ).rejects.toMatchObject({
      code: 'checkpoint/failed',
      message: expect.stringContaining('was taken with another EPL module than test.epl'),
    });
  });
});
