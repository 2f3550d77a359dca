/** `--lateness 500`, `500ms`, `2s`, `1 min`, `1.5 sec` → milliseconds. */
import { WeirError } from '../common/errors.js';

const UNITS: Record<string, number> = {
  '': 1,
  ms: 1,
  msec: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
};

export function parsePeriod(text: string, option: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const factor = match === null ? undefined : UNITS[(match[2] ?? '').toLowerCase()];
  if (match === null || factor === undefined) {
    throw new WeirError(
      'cli/invalid-option',
      `${option} expects a duration such as 500, 500ms, 2s or 1 min; got '${text}'`,
    );
  }
  return Math.round(Number(match[1]) * factor);
}

export function parseMillis(text: string, option: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) {
    throw new WeirError('cli/invalid-option', `${option} expects a time in milliseconds, got '${text}'`);
  }
  return n;
}
