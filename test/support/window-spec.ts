/**
 * Builds window chains for tests from `#name(args)` text with a small regex parser (the real
 * parser and analyzer are not involved): numbers become constants, `5 sec` a time period,
 * `'X'` a string constant, and `prop [asc|desc]` a property expression.
 */
import type { Span } from '../../src/common/span.js';
import { NO_SPAN } from '../../src/common/span.js';
import { lookupWindow } from '../../src/windows/registry.js';
import { type ChainStage, createWindowChain } from '../../src/windows/window-chain.js';
import type { DataWindow, WindowArgument, WindowContext } from '../../src/windows/window-def.js';

export const num = (value: number): WindowArgument => ({
  kind: 'constant',
  value,
  type: Number.isInteger(value) ? 'int' : 'double',
  span: NO_SPAN,
});

export const str = (value: string): WindowArgument => ({
  kind: 'constant',
  value,
  type: 'string',
  span: NO_SPAN,
});

export const period = (ms: number): WindowArgument => ({ kind: 'time-period', ms, span: NO_SPAN });

export const prop = (name: string, descending?: boolean): WindowArgument => ({
  kind: 'expression',
  expr: { kind: 'Prop', path: [name], type: 'any' },
  type: 'any',
  descending,
  text: name,
  span: NO_SPAN,
});

const UNIT_MS: Record<string, number> = {
  msec: 1,
  millisecond: 1,
  milliseconds: 1,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
};

function parseArg(text: string): WindowArgument {
  const t = text.trim();
  const timed = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(t);
  if (timed !== null && UNIT_MS[(timed[2] as string).toLowerCase()] !== undefined) {
    return period(Number(timed[1]) * (UNIT_MS[(timed[2] as string).toLowerCase()] as number));
  }
  const number = /^(-?\d+(?:\.\d+)?)L?$/i.exec(t);
  if (number !== null) return num(Number(number[1]));
  const quoted = /^'([^']*)'$/.exec(t);
  if (quoted !== null) return str(quoted[1] as string);
  const sorted = /^([A-Za-z_]\w*)(?:\s+(asc|desc))?$/i.exec(t);
  if (sorted !== null) {
    const dir = sorted[2]?.toLowerCase();
    return prop(sorted[1] as string, dir === undefined ? undefined : dir === 'desc');
  }
  throw new Error(`window-spec: cannot parse argument '${t}'`);
}

export interface ParsedWindow {
  readonly name: string;
  readonly args: WindowArgument[];
}

/** `#length(3)#time(5 sec)` → [{name: 'length', args}, …]. */
export function parseWindows(text: string): ParsedWindow[] {
  const result: ParsedWindow[] = [];
  for (const m of text.matchAll(/#(\w+)(?:\(([^)]*)\))?/g)) {
    const argText = (m[2] ?? '').trim();
    // Commas inside a quoted argument ('FORCE_UPDATE, START_EAGER') do not split it.
    const args = argText === '' ? [] : (argText.match(/\s*'[^']*'|[^,]+/g) ?? []).map(parseArg);
    result.push({ name: m[1] as string, args });
  }
  return result;
}

/** Validated stages for a window list, as the analyzer would produce them. */
export function stagesOf(text: string): ChainStage[] {
  return parseWindows(text).map(({ name, args }) => {
    const def = lookupWindow(name);
    if (def === undefined) throw new Error(`window-spec: unknown window ${name}`);
    return { def, params: def.validate(args, NO_SPAN) };
  });
}

export function spansFor(stages: readonly ChainStage[]): Span[] {
  return stages.map(() => NO_SPAN);
}

/** The started runtime window of a window list (as a statement start does). */
export function chainOf(text: string, ctx: WindowContext): DataWindow {
  const window = createWindowChain(stagesOf(text), ctx);
  window.start?.();
  return window;
}
