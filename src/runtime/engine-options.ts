/**
 * Validation of `createEngine` options. Every option has a check here (the Record type makes
 * a new option without one a compile error), and an unknown key is an error with a "did you
 * mean": a misspelt `allowedLatenes` silently ignored would change results without a word.
 * A bad value fails at `createEngine`, not later (a NaN start time used to hang advanceTime).
 */
import { didYouMean } from '../common/closest-name.js';
import { WeirError } from '../common/errors.js';
import type { EngineOptions } from './api.js';

export interface WeirEngineOptions extends EngineOptions {
  /** Cap on live partial matches per pattern statement (reaching it is counted and reported). */
  readonly maxPartialMatches?: number;
  /**
   * Run statements whose window feeds only an aggregation on the fused columnar operator
   * (default true): the physical rule fused-columnar-aggregation (physical/physical-rules.ts,
   * listed by `weir explain`). False switches the rule off and keeps every statement on the
   * general window and aggregation operators: for comparing the two, which must agree.
   */
  readonly columnarAggregation?: boolean;
  /**
   * Rebuild the engine from `engine.snapshot()` bytes (in this or another process): the same
   * deployed statements, clock, buffered events, timers and state; listeners are attached
   * again by statement name. Other options may be left out; given, they must match the
   * snapshot's. Fails with a `snapshot/…` WeirError, and then nothing is built.
   */
  readonly restore?: Uint8Array;
}

/** Default cap on live partial matches per pattern statement. */
export const DEFAULT_MAX_PARTIAL_MATCHES = 1_000_000;
/**
 * Default limit on how far one event (or one advanceTime call) may move event time: 7 days.
 * Timers that post once per interval (`every timer:interval(1 sec)`, FORCE_UPDATE batches)
 * fire once per interval crossed, so the limit bounds the work one event can cause; a week
 * covers weekend and holiday gaps in real feeds, and a typo'd timestamp (seconds instead of
 * milliseconds, 1e15) is reported instead of running for hours.
 */
export const DEFAULT_MAX_TIME_JUMP = 7 * 24 * 3_600_000;

/**
 * The largest event time (ms, either sign): 2^53 - 1, about 285,000 years from 1970. Beyond
 * it a millisecond is not representable (2^53 + 1 is 2^53), so a timer's next due time could
 * equal its last and a periodic timer would fire forever at one instant (found by fuzzing: a
 * 1e17 timestamp hung `#time_batch(3 msec, 'FORCE_UPDATE, START_EAGER')`).
 */
export const MAX_EVENT_TIME = Number.MAX_SAFE_INTEGER;
export const EVENT_TIME_RANGE = `expected a number of milliseconds from -${MAX_EVENT_TIME} to ${MAX_EVENT_TIME} (2^53 - 1)`;

type Check = (value: unknown) => string | undefined;

const eventTime: Check = (v) =>
  typeof v === 'number' && v >= -MAX_EVENT_TIME && v <= MAX_EVENT_TIME
    ? undefined
    : `must be a number from -${MAX_EVENT_TIME} to ${MAX_EVENT_TIME} (ms)`;
const nonNegative: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : 'must be a finite number >= 0';
const positiveOrInfinity: Check = (v) =>
  typeof v === 'number' && v > 0 ? undefined : 'must be a number > 0 (Infinity: no limit)';
const positiveInteger: Check = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? undefined : 'must be an integer > 0';
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');

const CHECKS: Record<keyof WeirEngineOptions, Check> = {
  allowedLateness: nonNegative,
  startTime: eventTime,
  maxTimeJump: positiveOrInfinity,
  maxPartialMatches: positiveInteger,
  columnarAggregation: boolean,
  restore: (v) => (v instanceof Uint8Array ? undefined : 'must be a Uint8Array from engine.snapshot()'),
};

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}

/** Throws a WeirError (runtime/invalid-option) naming the first bad or unknown option. */
export function validateEngineOptions(options: unknown): WeirEngineOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new WeirError(
      'runtime/invalid-option',
      `createEngine options must be an object, got ${show(options)}`,
    );
  }
  const known = Object.keys(CHECKS);
  for (const [key, value] of Object.entries(options)) {
    const check = CHECKS[key as keyof WeirEngineOptions];
    if (check === undefined) {
      throw new WeirError(
        'runtime/invalid-option',
        `Unknown engine option '${key}'${didYouMean(key, known)}; options: ${known.join(', ')}`,
      );
    }
    if (value === undefined) continue;
    const problem = check(value);
    if (problem !== undefined) {
      throw new WeirError('runtime/invalid-option', `Engine option '${key}' ${problem}, got ${show(value)}`);
    }
  }
  return options as WeirEngineOptions;
}
