/**
 * CLI periods (`--lateness 2 sec`, `--max-time-jump 30 days`) are EPL time periods, read by
 * the parser's own rule (parseTimePeriod) and converted as `#time(…)` converts them: one
 * meaning for `1 min 30 sec` everywhere. A bare number is refused rather than guessed: in EPL
 * it means seconds, and this option once read it as milliseconds, so `--lateness 2000` must
 * say which it means. Only `0` needs no unit.
 */
import { timePeriodMs } from '../analyzer/bind-expr.js';
import { WeirError } from '../common/errors.js';
import { printable } from '../common/printable.js';
import { parseTimePeriod } from '../parser/parse-module.js';

function invalid(option: string, text: string, why = ''): WeirError {
  return new WeirError(
    'cli/invalid-option',
    `${option} expects a time period as in EPL, such as 500 msec, 2 sec or 1 min 30 sec; got '${printable(text)}'${why}`,
  );
}

export function parsePeriod(text: string, option: string): number {
  let period: ReturnType<typeof parseTimePeriod>;
  try {
    period = parseTimePeriod(text);
  } catch {
    throw invalid(option, text);
  }
  if (period.kind === 'Literal') {
    if (period.value === 0) return 0;
    throw invalid(option, text, ` (give a unit: ${period.text} msec or ${period.text} sec)`);
  }
  if (period.kind !== 'TimePeriod') throw invalid(option, text);
  const ms = timePeriodMs(period);
  if (ms === undefined || !Number.isFinite(ms)) throw invalid(option, text);
  return ms;
}

export function parseMillis(text: string, option: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) {
    throw new WeirError(
      'cli/invalid-option',
      `${option} expects a time in milliseconds, got '${printable(text)}'`,
    );
  }
  return n;
}
