/** nextCrontabTime against instants worked out by hand from Esper's ScheduleComputeHelper rules. */
import { describe, expect, it } from 'vitest';
import { nextCrontabTime } from '../../src/common/crontab.js';

const every4s = [null, null, null, null, null, [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56]];
const utc = (s: string) => Date.parse(`${s}Z`);

describe('nextCrontabTime', () => {
  it('keeps the milliseconds of the start and never returns the start itself', () => {
    expect(nextCrontabTime(6600, every4s)).toBe(8600);
    expect(nextCrontabTime(8600, every4s)).toBe(12600);
    expect(nextCrontabTime(8000, every4s)).toBe(12000);
  });

  it('without a seconds field starts one minute later, at second 0', () => {
    const everyMinute = [null, null, null, null, null];
    expect(nextCrontabTime(6600, everyMinute)).toBe(60_600);
  });

  it('rolls minutes, hours and days', () => {
    // minute 30 of every hour: from 10:31 the next is 11:30
    expect(nextCrontabTime(utc('2024-01-01T10:31:00.000'), [[30], null, null, null, null])).toBe(
      utc('2024-01-01T11:30:00.000'),
    );
    // 09:15 on the 1st of a month: from Jan 2nd to Feb 1st
    expect(nextCrontabTime(utc('2024-01-02T00:00:00.000'), [[15], [9], [1], null, null])).toBe(
      utc('2024-02-01T09:15:00.000'),
    );
  });

  it('matches days of week (0 = Sunday), or either list when both days of month and week are given', () => {
    // 2024-01-03 is a Wednesday; the next Monday (1) at 08:00 is 2024-01-08
    expect(nextCrontabTime(utc('2024-01-03T12:00:00.000'), [[0], [8], null, null, [1]])).toBe(
      utc('2024-01-08T08:00:00.000'),
    );
    // days of month [5] or Mondays: the 5th (a Friday) comes first
    expect(nextCrontabTime(utc('2024-01-03T12:00:00.000'), [[0], [8], [5], null, [1]])).toBe(
      utc('2024-01-05T08:00:00.000'),
    );
  });

  it('never matches a field that allows no value (found by the fuzz suite: the day search never ended)', () => {
    const now = utc('2024-01-03T12:00:00.000');
    expect(nextCrontabTime(now, [null, [2], null, null, []])).toBe(Number.POSITIVE_INFINITY);
    expect(nextCrontabTime(now, [null, null, null, [], null, [0]])).toBe(Number.POSITIVE_INFINITY);
  });

  it('skips months without the day (the 31st)', () => {
    expect(nextCrontabTime(utc('2024-04-01T00:00:00.000'), [[0], [0], [31], null, null])).toBe(
      utc('2024-05-31T00:00:00.000'),
    );
  });
});
