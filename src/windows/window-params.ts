import { WeirError } from '../common/errors.js';
/** Parameter validation shared by window kinds, with Esper-like messages. */
import type { Span } from '../common/span.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { WindowArgument } from './window-def.js';

function invalid(message: string, span: Span): WeirError {
  return new WeirError('analyze/invalid-window-parameter', message, { span });
}

export function expectArgCount(
  name: string,
  args: readonly WindowArgument[],
  min: number,
  max: number,
  span: Span,
): void {
  if (args.length < min || args.length > max) {
    const expected =
      min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
    throw invalid(`#${name} takes ${expected} parameter(s), got ${args.length}`, span);
  }
}

/**
 * A number too large for a double (`1e309`, `1e309 sec`) reads as Infinity: one error for
 * every window parameter, rather than a window that never fills or flushes on every event.
 */
function requireFinite(name: string, arg: WindowArgument | undefined, span: Span): void {
  const value = arg?.kind === 'time-period' ? arg.ms : arg?.kind === 'constant' ? arg.value : 0;
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw invalid(
      `#${name} requires a finite number, got ${value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN'} (the literal is out of the range of a double)`,
      arg?.span ?? span,
    );
  }
}

/** A time period in ms; a plain number means seconds (Esper). */
export function timePeriod(name: string, arg: WindowArgument | undefined, span: Span): number {
  requireFinite(name, arg, span);
  if (arg?.kind === 'time-period' && arg.ms > 0) return arg.ms;
  if (arg?.kind === 'constant' && typeof arg.value === 'number' && arg.value > 0)
    return Math.round(arg.value * 1000);
  throw invalid(
    `#${name} requires a positive time period (such as 10 sec), got ${describe(arg)}`,
    arg?.span ?? span,
  );
}

export function positiveInt(name: string, arg: WindowArgument | undefined, span: Span): number {
  requireFinite(name, arg, span);
  if (
    arg?.kind === 'constant' &&
    typeof arg.value === 'number' &&
    Number.isInteger(arg.value) &&
    arg.value > 0
  ) {
    return arg.value;
  }
  throw invalid(`#${name} requires a positive integer size, got ${describe(arg)}`, arg?.span ?? span);
}

export function propertyExpr(name: string, arg: WindowArgument | undefined, span: Span): BoundExpr {
  if (arg?.kind === 'expression') return arg.expr;
  throw invalid(`#${name} requires an event property, got ${describe(arg)}`, arg?.span ?? span);
}

export function optionalConstant(arg: WindowArgument | undefined): unknown {
  return arg?.kind === 'constant' ? arg.value : undefined;
}

function describe(arg: WindowArgument | undefined): string {
  if (arg === undefined) return 'nothing';
  switch (arg.kind) {
    case 'time-period':
      return `${arg.ms} msec`;
    case 'constant':
      return typeof arg.value === 'number' && !Number.isFinite(arg.value)
        ? String(arg.value)
        : JSON.stringify(arg.value);
    case 'expression':
      return `'${arg.text}'`;
  }
}

/** Flow-control keywords given as string constants: 'FORCE_UPDATE', 'START_EAGER'. */
export function flowControl(
  name: string,
  args: readonly WindowArgument[],
): { forceUpdate: boolean; startEager: boolean } {
  let forceUpdate = false;
  let startEager = false;
  for (const arg of args) {
    if (arg.kind !== 'constant' || typeof arg.value !== 'string') {
      throw invalid(
        `#${name}: expected flow-control keywords such as 'FORCE_UPDATE, START_EAGER', got ${describe(arg)}`,
        arg.span,
      );
    }
    for (const word of arg.value.split(',').map((w) => w.trim().toUpperCase())) {
      if (word === 'FORCE_UPDATE') forceUpdate = true;
      else if (word === 'START_EAGER') startEager = true;
      else
        throw invalid(`#${name}: unknown keyword '${word}' (expected FORCE_UPDATE or START_EAGER)`, arg.span);
    }
  }
  return { forceUpdate, startEager };
}

/**
 * An optional reference point: a constant number of milliseconds (`0L`, `1000`); batches
 * then align to reference + k·period. A string in that position is flow control, not a point.
 */
export function optionalReferencePoint(
  name: string,
  arg: WindowArgument | undefined,
  span: Span,
): number | undefined {
  if (arg === undefined) return undefined;
  if (arg.kind === 'constant' && typeof arg.value === 'string') return undefined;
  if (arg.kind === 'constant' && typeof arg.value === 'number' && Number.isFinite(arg.value)) {
    return arg.value;
  }
  throw invalid(
    `#${name} requires a constant reference point in milliseconds, got ${describe(arg)}`,
    arg.span ?? span,
  );
}
