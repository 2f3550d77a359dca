/**
 * Helpers for tests of shared state (named windows, tables, variables, contexts) through the
 * public API: deploy a module after some schemas, record every listener call of named
 * statements, and collect the errors a module is refused with.
 */
import { WeirErrors, createEngine } from '../../src/index.js';
import type { Engine, Row } from '../../src/index.js';

export type Call = { time: number; new: Row[] | null; old: Row[] | null };

/** Every listener call of each named statement. */
export function record(engine: Engine, ...names: string[]): Record<string, Call[]> {
  const calls: Record<string, Call[]> = {};
  for (const name of names) {
    const handle = engine.statement(name);
    if (handle === undefined) throw new Error(`no statement ${name}`);
    const list: Call[] = [];
    calls[name] = list;
    handle.subscribe((n, o, ctx) => list.push({ time: ctx.time, new: n, old: o }));
  }
  return calls;
}

/** The two event types the shared-state tests use: trades and probes. */
export const SCHEMAS = `
create schema Tick(sym string, px double, qty long);
create schema Probe(sym string, px double);
`;

/** A fresh engine with the schemas and `epl` deployed. */
export function deploy(epl: string): Engine {
  const engine = createEngine();
  engine.deploy(SCHEMAS + epl);
  return engine;
}

export const tick = (engine: Engine, at: number, sym: string, px: number, qty: number) =>
  engine.send('Tick', { sym, px, qty }, at);
export const probe = (engine: Engine, at: number, sym: string, px: number) =>
  engine.send('Probe', { sym, px }, at);

/** The errors (code: message) deploying the schemas and `epl` is refused with. */
export function errorsOf(epl: string): string[] {
  try {
    createEngine().deploy(SCHEMAS + epl);
  } catch (e) {
    if (e instanceof WeirErrors) return e.errors.map((x) => `${x.code}: ${x.message}`);
    throw e;
  }
  throw new Error('expected errors');
}
