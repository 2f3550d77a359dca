/**
 * `timer:at(minutes, hours, days of month, months, days of week [, seconds])`: the next
 * instant strictly after `now` (event time, ms since the epoch, UTC) matching every field.
 * A null field matches anything; seconds default to 0.
 */
type Field = readonly number[] | null;

function matches(field: Field | undefined, value: number): boolean {
  return field === null || field === undefined || field.includes(value);
}

export function nextCronTime(now: number, fields: readonly Field[]): number {
  const [minutes, hours, days, months, weekdays, seconds] = fields;
  const secondField: Field = seconds === undefined ? [0] : seconds;
  let t = Math.floor(now / 1000) * 1000 + 1000;
  for (let guard = 0; guard < 1_000_000; guard++) {
    const d = new Date(t);
    if (!matches(months, d.getUTCMonth() + 1)) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      continue;
    }
    if (!matches(days, d.getUTCDate()) || !matches(weekdays, d.getUTCDay())) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
      continue;
    }
    if (!matches(hours, d.getUTCHours())) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
      continue;
    }
    if (!matches(minutes, d.getUTCMinutes())) {
      t = Date.UTC(
        d.getUTCFullYear(),
        d.getUTCMonth(),
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes() + 1,
      );
      continue;
    }
    if (!matches(secondField, d.getUTCSeconds())) {
      t += 1000;
      continue;
    }
    return t;
  }
  return Number.POSITIVE_INFINITY;
}
