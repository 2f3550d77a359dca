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
import type { Engine, StatementHandle, WeirEngineOptions } from '../../src/index.js';
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
  /** Events the engine accepted. */
  readonly sent: number;
  /** Listener calls the statements made (a generator whose statements never post tests little). */
  readonly calls: number;
}

/** What one engine did: each listener call (JSON), and per operation 'ok' or the error code. */
interface Run {
  readonly calls: string[];
  readonly outcomes: string[];
}

/** Event time as the operations move it (kept across a snapshot cut). */
interface Clock {
  time: number;
}

/**
 * The time of an operation `dt` after the last: an outlier step (not finite, or beyond the
 * engine's maxTimeJump either way) stamps its own event only, as one bad timestamp in a feed
 * does; the stream goes on from where it was, instead of every later event being refused or late.
 */
function step(clock: Clock, dt: number): number {
  const time = clock.time + dt;
  if (Number.isFinite(dt) && Math.abs(dt) <= MAX_TIME_JUMP) clock.time = time;
  return time;
}

/** The engines' maxTimeJump: small, so that one step's work is bounded (periodic timers fire per interval). */
const MAX_TIME_JUMP = 60_000;

function codeOf(e: unknown): string {
  return e instanceof WeirErrors ? e.errors.map((x) => x.code).join(',') : (e as WeirError).code;
}

/**
 * Records every listener call of the engine's statements. Rows are JSON-stringified as a
 * writer would (BigInt or cycles there would be a bug); the strings are what the
 * differential properties compare.
 */
function record(engine: Engine, handles: readonly StatementHandle[], run: Run): void {
  for (const h of handles) {
    h.subscribe((n, o, c) => run.calls.push(JSON.stringify([c.statement, c.time, n, o])));
  }
}

/** What operations refer to: the deployed statements by name, the module's first variable. */
interface Targets {
  readonly statements: readonly string[];
  readonly variable: string | undefined;
}

function targetsOf(module: string, handles: readonly StatementHandle[]): Targets {
  const variable = /create\s+(?:constant\s+)?variable\s+\w+\s+(\w+)/i.exec(module)?.[1];
  return { statements: handles.map((h) => h.name), variable };
}

/** Applies `ops`; a WeirError is an outcome, anything else a FuzzFailure. */
function apply(
  engine: Engine,
  ops: readonly Operation[],
  targets: Targets,
  clock: Clock,
  run: Run,
  input: unknown,
): void {
  for (const op of ops) {
    try {
      switch (op.op) {
        case 'send': {
          const time = step(clock, op.dt);
          engine.send(op.type, op.event as Record<string, unknown>, op.untimed ? undefined : time);
          break;
        }
        case 'sendMany': {
          const times = op.dts.map((dt) => step(clock, dt));
          engine.sendMany('A', op.events as Record<string, unknown>[], times);
          break;
        }
        case 'advance':
          engine.advanceTime(step(clock, op.dt));
          break;
        case 'flush':
          engine.flush();
          break;
        case 'undeploy': {
          const name = targets.statements[op.which % Math.max(1, targets.statements.length)];
          const handle = name === undefined ? undefined : engine.statement(name);
          if (handle === undefined) {
            run.outcomes.push('gone');
            continue;
          }
          handle.undeploy();
          break;
        }
        case 'setVariable':
          if (targets.variable === undefined) {
            run.outcomes.push('none');
            continue;
          }
          engine.setVariable(targets.variable, op.value);
          break;
      }
      run.outcomes.push('ok');
    } catch (e) {
      if (!isWeir(e)) throw unexpected(`${op.op}`, e, input);
      checkOneLine(e, input);
      run.outcomes.push(codeOf(e));
    }
  }
}

function finish(engine: Engine, handles: readonly StatementHandle[], input: unknown): void {
  try {
    for (const h of handles) h.stats();
    engine.stats();
    engine.close();
  } catch (e) {
    if (!isWeir(e)) throw unexpected('close', e, input);
  }
}

/** A deployed engine, or the deploy's error codes. */
function deployed(
  options: WeirEngineOptions,
  module: string,
  input: unknown,
): { engine: Engine; handles: StatementHandle[] } | { codes: string } {
  const engine = createEngine({ maxTimeJump: MAX_TIME_JUMP, ...options });
  try {
    return { engine, handles: engine.deploy(module) };
  } catch (e) {
    if (!isWeir(e)) throw unexpected('deploy', e, input);
    checkOneLine(e, input);
    return { codes: codeOf(e) };
  }
}

/** Deploys, records and applies every operation, closes; undefined when the deploy failed. */
function runWhole(options: WeirEngineOptions, module: string, ops: readonly Operation[]): Run | undefined {
  const input = { module, ops, options };
  const d = deployed(options, module, input);
  if ('codes' in d) return undefined;
  const run: Run = { calls: [], outcomes: [] };
  record(d.engine, d.handles, run);
  apply(d.engine, ops, targetsOf(module, d.handles), { time: 1000 }, run, input);
  finish(d.engine, d.handles, input);
  return run;
}

/**
 * Deploys `module` and applies `ops`; throws FuzzFailure on any non-Weir exception. Events of
 * a statement's listener are consumed (JSON-stringified, as a writer would: BigInt or cycles
 * there would be a bug).
 */
export function runApiCase(module: string, ops: readonly Operation[], lateness = 0): ApiOutcome {
  const run = runWhole({ allowedLateness: lateness }, module, ops);
  if (run === undefined) return { deployed: false, sent: 0, calls: 0 };
  const sent = ops.filter((op, i) => op.op.startsWith('send') && run.outcomes[i] === 'ok').length;
  return { deployed: true, sent, calls: run.calls.length };
}

/** The first place two runs differ, for the failure message. */
function firstDifference(a: Run, b: Run): string | undefined {
  for (let i = 0; i < Math.max(a.outcomes.length, b.outcomes.length); i++) {
    if (a.outcomes[i] !== b.outcomes[i]) return `operation ${i}: ${a.outcomes[i]} vs ${b.outcomes[i]}`;
  }
  for (let i = 0; i < Math.max(a.calls.length, b.calls.length); i++) {
    if (a.calls[i] !== b.calls[i]) {
      return `call ${i} of ${a.calls.length} vs ${b.calls.length}:\n  ${a.calls[i]}\n  ${b.calls[i]}`;
    }
  }
  return undefined;
}

export type DifferentialOutcome = 'compared' | 'not-deployed' | 'unsupported';

/**
 * The optimizer's physical rules change how, never what: the same module and operations with
 * `columnarAggregation: false` (every statement on the general window and aggregation
 * operators) must make the same listener calls and raise the same errors.
 */
export function runRulesCase(module: string, ops: readonly Operation[], lateness = 0): DifferentialOutcome {
  const fused = runWhole({ allowedLateness: lateness }, module, ops);
  const general = runWhole({ allowedLateness: lateness, columnarAggregation: false }, module, ops);
  if ((fused === undefined) !== (general === undefined)) {
    throw new FuzzFailure('deployed with columnarAggregation on but not off, or the reverse', {
      module,
      ops,
    });
  }
  if (fused === undefined || general === undefined) return 'not-deployed';
  const difference = firstDifference(fused, general);
  if (difference !== undefined) {
    throw new FuzzFailure(`columnarAggregation on vs off: ${difference}`, { module, ops, lateness });
  }
  return 'compared';
}

/**
 * The event-time buffer adds no reordering to ordered input: the operations with every time
 * step made forward (every event timed by the operation, a flush before each undeploy and
 * setVariable), run with no allowed lateness
 * and with `lateness` ms of it, make the same listener calls (later in wall time, the same
 * in content and event time) and raise the same errors.
 */
export function runLatenessCase(
  module: string,
  ops: readonly Operation[],
  lateness: number,
): DifferentialOutcome {
  // Ordered: no step back and no outlier (which stamps its own event only, out of order).
  const forward = (dt: number) => (Number.isFinite(dt) && dt >= 0 && dt <= MAX_TIME_JUMP ? dt : 0);
  // Undeploy and setVariable act at once, not at an event time: after a flush they meet the
  // same state with or without a buffer.
  const ordered = ops.flatMap((op): Operation[] => {
    switch (op.op) {
      case 'send':
        return [{ ...op, dt: forward(op.dt), untimed: false }];
      case 'advance':
        return [{ ...op, dt: forward(op.dt) }];
      case 'sendMany':
        return [{ ...op, dts: op.dts.map(forward) }];
      case 'flush':
        return [op];
      case 'undeploy':
      case 'setVariable':
        return [{ op: 'flush' }, op];
    }
  });
  const prompt = runWhole({}, module, ordered);
  const buffered = runWhole({ allowedLateness: lateness }, module, ordered);
  if ((prompt === undefined) !== (buffered === undefined)) {
    throw new FuzzFailure('deployed with one allowed lateness but not with another', {
      module,
      ops: ordered,
    });
  }
  if (prompt === undefined || buffered === undefined) return 'not-deployed';
  const difference = firstDifference(prompt, buffered);
  if (difference !== undefined) {
    throw new FuzzFailure(`allowedLateness 0 vs ${lateness} on ordered input: ${difference}`, {
      module,
      ops: ordered,
      lateness,
    });
  }
  return 'compared';
}

/**
 * Snapshot and restore change nothing: the operations applied to one engine, or cut after
 * `cut` of them, snapshotted, restored into a fresh engine (listeners attached again by
 * statement) and continued there, make the same listener calls and raise the same errors. A
 * statement whose parts refuse the snapshot (`snapshot/unsupported`) skips the case.
 */
export function runSnapshotCase(
  module: string,
  ops: readonly Operation[],
  cut: number,
  lateness = 0,
): DifferentialOutcome {
  const input = { module, ops, cut, lateness };
  const whole = runWhole({ allowedLateness: lateness }, module, ops);
  if (whole === undefined) return 'not-deployed';
  const before = deployed({ allowedLateness: lateness }, module, input);
  if ('codes' in before) throw new FuzzFailure(`deployed once, then failed: ${before.codes}`, input);
  const split: Run = { calls: [], outcomes: [] };
  const at = Math.min(cut, ops.length);
  const clock = { time: 1000 };
  const targets = targetsOf(module, before.handles);
  record(before.engine, before.handles, split);
  apply(before.engine, ops.slice(0, at), targets, clock, split, input);
  let bytes: Uint8Array;
  try {
    bytes = before.engine.snapshot();
  } catch (e) {
    if (e instanceof WeirError && e.code === 'snapshot/unsupported') return 'unsupported';
    throw isWeir(e)
      ? new FuzzFailure(`snapshot: ${codeOf(e)}: ${(e as Error).message}`, input)
      : unexpected('snapshot', e, input);
  }
  let after: Engine;
  try {
    after = createEngine({ restore: bytes });
  } catch (e) {
    throw isWeir(e)
      ? new FuzzFailure(`restore: ${codeOf(e)}: ${(e as Error).message}`, input)
      : unexpected('restore', e, input);
  }
  const handles = after.statements();
  record(after, handles, split);
  apply(after, ops.slice(at), targets, clock, split, input);
  finish(after, handles, input);
  const difference = firstDifference(whole, split);
  if (difference !== undefined) {
    throw new FuzzFailure(`snapshot after ${at} operations, restored: ${difference}`, input);
  }
  return 'compared';
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
