/**
 * What the fuzz suite runs, and its property: a module is deployed and events are sent
 * through the API, or event files are replayed through the CLI; every outcome is either
 * success or a WeirError (the CLI: exit 1 or 2 with one-line messages) — never another
 * exception, never an internal error. Hangs are bounded by the engine's maxTimeJump and
 * caught by the long runner's watchdog (run-fuzz.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCommand } from '../../src/cli/run.js';
import { printable } from '../../src/common/printable.js';
import { WeirError, WeirErrors, createEngine } from '../../src/index.js';
import type { Engine, StatementHandle } from '../../src/index.js';
import type { Operation } from './generators.js';

/** An outcome the property forbids. */
export class FuzzFailure extends Error {
  constructor(
    message: string,
    readonly input: unknown,
  ) {
    super(message);
    this.name = 'FuzzFailure';
  }
}

function isWeir(e: unknown): boolean {
  return e instanceof WeirError || e instanceof WeirErrors;
}

function unexpected(where: string, e: unknown, input: unknown): FuzzFailure {
  const err = e instanceof Error ? e : new Error(String(e));
  return new FuzzFailure(`${where}: ${err.name}: ${err.message}\n${err.stack ?? ''}`, input);
}

/** Every message is one line (a `file:line: …` message must not be split by data). */
function checkOneLine(e: unknown, input: unknown): void {
  const errors = e instanceof WeirErrors ? e.errors : [e as WeirError];
  for (const error of errors) {
    if (printable(error.message) !== error.message) {
      throw new FuzzFailure(
        `a message spans lines or holds control characters: ${JSON.stringify(error.message)}`,
        input,
      );
    }
  }
}

export interface ApiOutcome {
  readonly deployed: boolean;
  readonly sent: number;
}

/**
 * Deploys `module` and applies `ops`; throws FuzzFailure on any non-Weir exception. Events of
 * a statement's listener are consumed (JSON-stringified, as a writer would: BigInt or cycles
 * there would be a bug).
 */
export function runApiCase(module: string, ops: readonly Operation[], lateness = 0): ApiOutcome {
  const input = { module, ops };
  // A small maxTimeJump bounds the work of one step (periodic timers fire per interval).
  const engine: Engine = createEngine({ allowedLateness: lateness, maxTimeJump: 60_000 });
  let handles: StatementHandle[];
  try {
    handles = engine.deploy(module);
  } catch (e) {
    if (!isWeir(e)) throw unexpected('deploy', e, input);
    checkOneLine(e, input);
    return { deployed: false, sent: 0 };
  }
  for (const h of handles) {
    h.subscribe((n, o) => {
      JSON.stringify(n);
      JSON.stringify(o);
    });
  }
  let time = 1000;
  let sent = 0;
  for (const op of ops) {
    try {
      switch (op.op) {
        case 'send': {
          time += op.dt;
          engine.send(op.type, op.event as Record<string, unknown>, op.untimed ? undefined : time);
          sent++;
          break;
        }
        case 'advance':
          time += op.dt;
          engine.advanceTime(time);
          break;
        case 'flush':
          engine.flush();
          break;
      }
    } catch (e) {
      if (!isWeir(e)) throw unexpected(`${op.op}`, e, input);
      checkOneLine(e, input);
      if (!Number.isFinite(time)) time = 1000;
    }
  }
  try {
    for (const h of handles) h.stats();
    engine.stats();
    engine.close();
  } catch (e) {
    if (!isWeir(e)) throw unexpected('close', e, input);
  }
  return { deployed: true, sent };
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface CliOutcome {
  readonly code: number;
  readonly stderr: string;
}

/**
 * `weir run` on a query and one event file (NDJSON, or CSV with `--type A`); the exit code
 * must be 0, 1 or 2 and stderr must hold no internal error or stack trace.
 */
export async function runCliCase(
  query: string,
  events: string,
  format: 'ndjson' | 'csv',
  flags: readonly string[] = [],
): Promise<CliOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-fuzz-'));
  try {
    const q = join(dir, 'q.epl');
    const ev = join(dir, format === 'csv' ? 'events.csv' : 'events.ndjson');
    writeFileSync(q, query);
    writeFileSync(ev, events);
    const stdout = new Capture();
    const stderr = new Capture();
    const args = ['run', q, '--events', ev, '--format', 'ndjson', '--max-time-jump', '1 min', ...flags];
    if (format === 'csv') args.push('--type', 'A');
    const code = await runCommand(args, { stdout, stderr, cwd: dir });
    const input = { query, events, format, flags };
    if (![0, 1, 2].includes(code)) throw new FuzzFailure(`exit ${code}: ${stderr.text}`, input);
    if (/internal error|\n\s+at /.test(stderr.text)) throw new FuzzFailure(`stderr: ${stderr.text}`, input);
    // Every output line is one JSON value.
    for (const line of stdout.text.split('\n')) {
      if (line === '') continue;
      try {
        JSON.parse(line);
      } catch {
        throw new FuzzFailure(`output line is not JSON: ${line.slice(0, 200)}`, input);
      }
    }
    return { code, stderr: stderr.text };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
