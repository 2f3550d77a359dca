import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_FILE, readCheckpoint, writeCheckpoint } from '../../src/serve/checkpoint-file.js';
import { CHECKPOINT_KINDS as KINDS, libraryVerdict } from './checkpointable-kinds.js';
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
  it('restores what was deployed and undeployed over HTTP, with the window state it held', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'weir-ckpt-')), 'state');
    const options = { checkpoint: { dir, everyMs: 60_000 }, http: { allowDeploy: true } };
    const deploy = (url: string, epl: string) =>
      fetch(`${url}/statements`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: epl });
    const first = await serveForTest(EPL, options);
    expect((await deploy(first.url, "@name('recent') select irstream k from T#time(10 sec);")).status).toBe(
      201,
    );
    expect((await deploy(first.url, "@name('gone') select k from T;")).status).toBe(201);
    expect((await fetch(`${first.url}/statements/gone`, { method: 'DELETE' })).status).toBe(204);
    await post(first.url, [ev(1000, 5), ev(2000, 1)]);
    await first.stop();

    const second = await serveForTest(EPL, options);
    expect(second.restored).toBe(true);
    expect(second.engine.statements().map((s) => s.name)).toEqual(['big', 'recent']);
    const sse = await openSse(`${second.url}/statements/recent/updates`);
    // The restored window still holds e5 (1000) and e1 (2000): they leave at 11000 and 12000.
    await post(second.url, [ev(11_500, 3)]);
    expect(await sse.take(2)).toEqual([
      { stmt: 'recent', time: 11_000, new: null, old: [{ k: 'e5' }] },
      { stmt: 'recent', time: 11_500, new: [{ k: 'e3' }], old: null },
    ]);
    sse.close();
    await second.stop();
  });
});

const SCHEMA = 'create schema T(k string, v long);\n';

describe('serve --checkpoint refuses what it could not checkpoint, before it matters', () => {
  it.each(Object.entries(KINDS))('at start-up: %s', async (_kind, statement) => {
    const refusal = libraryVerdict(statement);
    const dir = join(mkdtempSync(join(tmpdir(), 'weir-ckpt-')), 'state');
    const starting = serveForTest(`${SCHEMA}@name('q') ${statement};\n`, {
      checkpoint: { dir, everyMs: 60_000 },
    });
    if (refusal === undefined) {
      const running = await starting;
      await post(running.url, [ev(1000, 1), ev(1100, 2)]);
      await running.checkpointer?.checkpoint();
      expect(running.checkpointer?.written).toBe(1);
      await running.stop();
      return;
    }
    await expect(starting).rejects.toMatchObject({
      code: 'snapshot/unsupported',
      message: `${refusal}; --checkpoint needs every statement to be checkpointable (see "Checkpoints" in the README)`,
    });
    // Refused before anything was written.
    expect(existsSync(dir)).toBe(false);
  });

  it.each(Object.entries(KINDS))('at an HTTP deploy: %s', async (_kind, statement) => {
    const refusal = libraryVerdict(statement);
    const dir = join(mkdtempSync(join(tmpdir(), 'weir-ckpt-')), 'state');
    const running = await serveForTest(EPL, {
      checkpoint: { dir, everyMs: 60_000 },
      http: { allowDeploy: true },
    });
    try {
      // Before any event: the engine has not built the statements' operators yet.
      const res = await fetch(`${running.url}/statements`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: `@name('q') ${statement};`,
      });
      const names = running.engine.statements().map((s) => s.name);
      if (refusal === undefined) {
        expect(res.status).toBe(201);
        expect(names).toEqual(['big', 'q']);
      } else {
        expect(res.status).toBe(400);
        const body = (await res.json()) as { error: unknown; errors: unknown[] };
        expect(body.error).toEqual({
          code: 'snapshot/unsupported',
          message: expect.stringContaining(refusal),
        });
        expect(body.errors).toEqual([
          { code: 'snapshot/unsupported', message: expect.stringContaining(refusal) },
        ]);
        expect(names).toEqual(['big']);
      }
      // Either way the served engine still checkpoints once events have built its state.
      await post(running.url, [ev(1000, 5), ev(1100, 7)]);
      await running.checkpointer?.checkpoint();
      expect(running.checkpointer?.written).toBe(1);
    } finally {
      await running.stop();
    }
  });
});
