/**
 * The next instant a crontab schedule matches, computed as Esper 9's ScheduleComputeHelper
 * does (UTC): `at (minutes, hours, days of month, months, days of week [, seconds])`.
 * - The search starts one unit after `now`: one second when the schedule names seconds,
 *   else one minute, so `now` itself never matches.
 * - The milliseconds of that start are kept: from 6600, `*\/4` seconds fires at 8600.
 *   Without a seconds field the second is 0.
 * - Days of month and days of week: when both are given (neither is `*`) a day matching
 *   either one matches (cron's OR); days of week are 0 (Sunday) to 6.
 * A field is the sorted list of allowed values, or null for `*`.
 */
export type CrontabField = readonly number[] | null;

/** Esper's nextValue: the smallest allowed value ≥ start, -1 when there is none, start when any. */
function nextValue(set: CrontabField | undefined, start: number): number {
  if (set === null || set === undefined || set.length === 0) return start;
  for (const v of set) if (v >= start) return v;
  return -1;
}

/** A mutable UTC calendar, normalised like java.util.Calendar's add(). */
class Cal {
  private t: number;

  constructor(t: number) {
    this.t = t;
  }

  get time(): number {
    return this.t;
  }

  get year(): number {
    return new Date(this.t).getUTCFullYear();
  }

  /** 0-based, as Calendar.MONTH. */
  get month(): number {
    return new Date(this.t).getUTCMonth();
  }

  get day(): number {
    return new Date(this.t).getUTCDate();
  }

  /** 0 = Sunday, as Calendar.DAY_OF_WEEK - 1. */
  get weekday(): number {
    return new Date(this.t).getUTCDay();
  }

  get hour(): number {
    return new Date(this.t).getUTCHours();
  }

  get minute(): number {
    return new Date(this.t).getUTCMinutes();
  }

  get second(): number {
    return new Date(this.t).getUTCSeconds();
  }

  get millisecond(): number {
    return new Date(this.t).getUTCMilliseconds();
  }

  add(unit: 'year' | 'month' | 'day' | 'hour' | 'minute', amount: number): void {
    const d = new Date(this.t);
    const parts = [
      d.getUTCFullYear(),
      d.getUTCMonth(),
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    ] as [number, number, number, number, number, number, number];
    const index = { year: 0, month: 1, day: 2, hour: 3, minute: 4 }[unit];
    parts[index] = (parts[index] as number) + amount;
    if (unit === 'year' || unit === 'month') {
      // Calendar.add keeps the day of month within the new month.
      const last = daysInMonth(parts[0] + Math.floor(parts[1] / 12), ((parts[1] % 12) + 12) % 12);
      if (parts[2] > last) parts[2] = last;
    }
    this.t = Date.UTC(...parts);
  }
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

function validDay(day: number, month: number, year: number): boolean {
  return day >= 1 && day <= daysInMonth(year, month);
}

interface Result {
  ms: number;
  second: number;
  minute: number;
  hour: number;
  day: number;
  month: number;
}

function determineDayOfMonth(
  days: CrontabField,
  weekdays: CrontabField,
  fields: Fields,
  after: Cal,
  r: Result,
): number {
  const resetTime = () => {
    r.second = nextValue(fields.seconds, 0);
    r.minute = nextValue(fields.minutes, 0);
    r.hour = nextValue(fields.hours, 0);
  };
  if (weekdays === null) {
    let day = nextValue(days, after.day);
    if (day !== after.day) resetTime();
    if (day === -1) {
      day = nextValue(days, 0);
      after.add('month', 1);
    }
    return day;
  }
  // Days of week given: the next day matching them (or, with days of month given too, either).
  for (;;) {
    const matchesWeek = weekdays.includes(after.weekday);
    const matchesMonth = days?.includes(after.day) === true;
    if (matchesWeek || matchesMonth) return after.day;
    resetTime();
    after.add('day', 1);
  }
}

interface Fields {
  readonly minutes: CrontabField;
  readonly hours: CrontabField;
  readonly days: CrontabField;
  readonly months: CrontabField;
  readonly weekdays: CrontabField;
  readonly seconds: CrontabField | undefined;
}

/**
 * The first instant strictly after `now` (ms since the epoch, UTC) that the schedule matches;
 * Infinity when there is none (a field allowing no value: the analyzer refuses those, and the
 * day search below would otherwise never end).
 */
export function nextCrontabTime(now: number, schedule: readonly CrontabField[]): number {
  if (schedule.some((f) => f !== null && f.length === 0)) return Number.POSITIVE_INFINITY;
  const [minutes = null, hours = null, days = null, months = null, weekdays = null, seconds] = schedule;
  const secondsGiven = schedule.length > 5;
  const f: Fields = {
    minutes,
    hours,
    days,
    months,
    weekdays,
    seconds: secondsGiven ? (seconds ?? null) : undefined,
  };
  let afterTime = now + (secondsGiven ? 1000 : 60_000);
  for (let guard = 0; guard < 10_000; guard++) {
    const after = new Cal(afterTime);
    const r: Result = { ms: after.millisecond, second: 0, minute: 0, hour: 0, day: 0, month: 0 };
    if (secondsGiven) {
      r.second = nextValue(f.seconds, after.second);
      if (r.second === -1) {
        r.second = nextValue(f.seconds, 0);
        after.add('minute', 1);
      }
    }
    r.minute = nextValue(minutes, after.minute);
    if (r.minute !== after.minute) r.second = nextValue(f.seconds, 0);
    if (r.minute === -1) {
      r.minute = nextValue(minutes, 0);
      after.add('hour', 1);
    }
    r.hour = nextValue(hours, after.hour);
    if (r.hour !== after.hour) {
      r.second = nextValue(f.seconds, 0);
      r.minute = nextValue(minutes, 0);
    }
    if (r.hour === -1) {
      r.hour = nextValue(hours, 0);
      after.add('day', 1);
    }
    r.day = determineDayOfMonth(days, weekdays, f, after, r);
    while (!validDay(r.day, after.month, after.year)) after.add('month', 1);
    const currentMonth = after.month + 1;
    r.month = nextValue(months, currentMonth);
    if (r.month !== currentMonth) {
      r.second = nextValue(f.seconds, 0);
      r.minute = nextValue(minutes, 0);
      r.hour = nextValue(hours, 0);
      r.day = determineDayOfMonth(days, weekdays, f, after, r);
    }
    if (r.month === -1) {
      r.month = nextValue(months, 0);
      after.add('year', 1);
    }
    if (!validDay(r.day, r.month - 1, after.year)) {
      afterTime = after.time;
      continue;
    }
    return Date.UTC(after.year, r.month - 1, r.day, r.hour, r.minute, r.second, r.ms);
  }
  return Number.POSITIVE_INFINITY;
}
