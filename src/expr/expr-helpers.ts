/** Runtime helpers that generated expression code calls (kept tiny so V8 inlines them). */

/** Null-safe property path: any missing step yields null. */
function path(value: unknown, steps: readonly (string | number)[]): unknown {
  let v = value;
  for (const step of steps) {
    if (v === null || v === undefined) return null;
    v = (v as Record<string | number, unknown>)[step];
  }
  return v ?? null;
}

/** Java's string rendering of a value in `||` and casts (doubles keep a fraction: 2.0). */
function str(v: unknown): string {
  return String(v);
}

/** `x in (…)` with SQL null rules. */
function inList(x: unknown, items: readonly unknown[], negated: boolean): boolean | null {
  if (x === null) return null;
  let sawNull = false;
  for (const item of items) {
    if (item === null) sawNull = true;
    else if (item === x) return !negated;
  }
  return sawNull ? null : negated;
}

/** SQL LIKE: `%` any run, `_` one character, `escape` makes the next character literal. */
export function likeToRegExp(pattern: string, escapeChar: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === escapeChar && i + 1 < pattern.length) {
      source += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Esper's regexp is Java's String.matches: the whole string must match. */
export function javaRegExp(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

let lastLike: { pattern: string; escape: string; re: RegExp } | undefined;
function like(x: unknown, pattern: unknown, escapeChar: unknown, negated: boolean): boolean | null {
  if (x === null || pattern === null || escapeChar === null) return null;
  const p = String(pattern);
  const e = String(escapeChar);
  if (lastLike === undefined || lastLike.pattern !== p || lastLike.escape !== e) {
    lastLike = { pattern: p, escape: e, re: likeToRegExp(p, e) };
  }
  return lastLike.re.test(String(x)) !== negated;
}

/**
 * Where an engine counts the problems met while its statements evaluate: `regexp`
 * evaluations whose pattern, read from the data, is not a valid regular expression, and
 * pattern timer periods computed from the data that are not numbers.
 */
export interface EvaluationIssueSink {
  /** True while the engine is inside one of its calls (send, advanceTime, flush…). */
  isEvaluating(): boolean;
  invalidRegexps: number;
  invalidPeriods: number;
}

export type EvaluationIssue = 'invalidRegexps' | 'invalidPeriods';

/**
 * The registered sinks (weakly held: an engine nobody references is forgotten). Compiled
 * expressions are shared by every engine, and evaluation is synchronous, so a problem belongs
 * to the engines evaluating when it happens. Only a problem walks the sinks: nothing is done
 * per event (reading a process-wide counter around every send cost the send path measurably).
 */
const sinks = new Set<WeakRef<EvaluationIssueSink>>();
const forget = new FinalizationRegistry<WeakRef<EvaluationIssueSink>>((ref) => sinks.delete(ref));

/** Registers an engine's sink; the function returned unregisters it (engine.close). */
export function registerEvaluationIssues(sink: EvaluationIssueSink): () => void {
  const ref = new WeakRef(sink);
  sinks.add(ref);
  forget.register(sink, ref, ref);
  return () => {
    sinks.delete(ref);
    forget.unregister(ref);
  };
}

/** Counts one problem in every engine evaluating now. */
export function countEvaluationIssue(issue: EvaluationIssue): void {
  for (const ref of sinks) {
    const sink = ref.deref();
    if (sink?.isEvaluating() === true) sink[issue]++;
  }
}

/** The RegExp for `pattern`, or the reason it is invalid. */
export function tryJavaRegExp(pattern: string): RegExp | string {
  try {
    return javaRegExp(pattern);
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '');
  }
}

let lastRegexp: { pattern: string; re: RegExp | string } | undefined;
/** A pattern from the data that does not compile yields null (as a failed cast does), counted. */
function regexp(x: unknown, pattern: unknown, negated: boolean): boolean | null {
  if (x === null || pattern === null) return null;
  const p = String(pattern);
  if (lastRegexp === undefined || lastRegexp.pattern !== p) lastRegexp = { pattern: p, re: tryJavaRegExp(p) };
  const re = lastRegexp.re;
  if (typeof re === 'string') {
    countEvaluationIssue('invalidRegexps');
    return null;
  }
  return re.test(String(x)) !== negated;
}

/** `cast(x, type)`: null stays null; what does not convert becomes null. */
function cast(x: unknown, type: string): unknown {
  if (x === null || x === undefined) return null;
  switch (type) {
    case 'int':
    case 'long': {
      const n = typeof x === 'string' ? Number(x.trim()) : typeof x === 'boolean' ? Number.NaN : Number(x);
      return Number.isFinite(n) ? Math.trunc(n) : null;
    }
    case 'double': {
      const n = typeof x === 'string' ? Number(x.trim()) : typeof x === 'boolean' ? Number.NaN : Number(x);
      return typeof x === 'string' && x.trim() === ''
        ? null
        : Number.isNaN(n) && typeof x !== 'number'
          ? null
          : n;
    }
    case 'string':
      return String(x);
    case 'boolean':
      if (typeof x === 'boolean') return x;
      if (typeof x === 'string')
        return x.toLowerCase() === 'true' ? true : x.toLowerCase() === 'false' ? false : null;
      return null;
    default:
      return x;
  }
}

/** Function results: undefined (and NaN from a bad conversion stays NaN, as Java) → null. */
function nn(v: unknown): unknown {
  return v === undefined ? null : v;
}

export const expressionHelpers = { path, str, inList, like, regexp, cast, nn };
