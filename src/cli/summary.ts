/**
 * The end-of-run report on stderr: what was read, what the engine processed, what was late
 * or malformed, rows out per statement and the rate. Nothing is dropped silently, so every
 * event read is accounted for here (processed, late, malformed, or still buffered at a
 * timer-free end).
 */
export interface ReplaySummary {
  /** Lines holding an event or an error (blank lines are not counted). */
  readonly read: number;
  readonly processed: number;
  readonly late: number;
  readonly malformed: number;
  /** Whether malformed lines were skipped (`--on-error skip`). */
  readonly skipped: boolean;
  readonly rowsOut: readonly { readonly statement: string; readonly rows: number }[];
  readonly seconds: number;
  /** `regexp` evaluations whose pattern, read from the data, did not compile (their result was null). */
  readonly invalidRegexps?: number;
  /** Pattern timers whose period, read from the tags, was null or not a number (the interval never fires, the guard never expires). */
  readonly invalidPeriods?: number;
  /** Events of closed types that carried undeclared properties (dropped) / lacked declared ones (null). */
  readonly undeclaredEvents?: number;
  readonly missingEvents?: number;
  /** Set when the run resumed from a checkpoint: from where. */
  readonly resumed?: string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatSummary(s: ReplaySummary): string {
  const rate = s.seconds > 0 ? Math.round(s.read / s.seconds) : s.read;
  const malformed = `${s.malformed} malformed${s.skipped && s.malformed > 0 ? ' (skipped)' : ''}`;
  const rows = s.rowsOut.length === 0 ? 'none' : s.rowsOut.map((r) => `${r.statement}=${r.rows}`).join(' ');
  return [
    ...(s.resumed === undefined ? [] : [`weir: ${s.resumed}`]),
    `weir: ${plural(s.read, 'event')} read, ${s.processed} processed, ${s.late} late, ${malformed}`,
    `weir: rows out: ${rows}`,
    ...((s.undeclaredEvents ?? 0) > 0
      ? [
          `weir: ${plural(s.undeclaredEvents as number, 'event')} had properties their type does not declare (dropped; --strict makes them errors)`,
        ]
      : []),
    ...((s.missingEvents ?? 0) > 0
      ? [
          `weir: ${plural(s.missingEvents as number, 'event')} lacked declared properties (read as null; --strict makes them errors)`,
        ]
      : []),
    ...((s.invalidRegexps ?? 0) > 0
      ? [
          `weir: ${plural(s.invalidRegexps as number, 'regexp evaluation')} read a pattern from the data that is not a valid regular expression (result null)`,
        ]
      : []),
    ...((s.invalidPeriods ?? 0) > 0
      ? [
          `weir: ${plural(s.invalidPeriods as number, 'pattern timer')} read a period from the data that is null or not a number (the interval never fires, the guard never expires)`,
        ]
      : []),
    `weir: ${s.seconds.toFixed(3)} s, ${rate} events/s`,
  ].join('\n');
}
