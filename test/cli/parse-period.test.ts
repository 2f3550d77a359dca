import { describe, expect, it } from 'vitest';
import { parseMillis, parsePeriod } from '../../src/cli/parse-period.js';

describe('parsePeriod (--lateness, --max-time-jump): EPL time periods', () => {
  it('reads what #time(…) reads, with the same units', () => {
    expect(
      [
        '500 msec',
        '500msec',
        '2 sec',
        '1.5 seconds',
        '1 min 30 sec',
        '2 minutes',
        '1 hour',
        '3 days',
        '1 week 1 day',
        '0',
        '250 usec',
        '2 SEC',
      ].map((t) => parsePeriod(t, '--lateness')),
    ).toEqual([500, 500, 2000, 1500, 90_000, 120_000, 3_600_000, 259_200_000, 691_200_000, 0, 0, 2000]);
  });

  it('asks for a unit on a bare number other than 0 (EPL would read seconds; this option once read ms)', () => {
    expect(() => parsePeriod('2000', '--lateness')).toThrow(
      "--lateness expects a time period as in EPL, such as 500 msec, 2 sec or 1 min 30 sec; got '2000' (give a unit: 2000 msec or 2000 sec)",
    );
  });

  it('rejects negative numbers, garbage, unknown units and trailing text with the option named', () => {
    for (const bad of ['-1 sec', 'soon', '1 fortnight', '', '2s', '2 sec later', '1e3', '5 sec;', "2 sec'"]) {
      expect(() => parsePeriod(bad, '--lateness')).toThrow(
        `--lateness expects a time period as in EPL, such as 500 msec, 2 sec or 1 min 30 sec; got '${bad}'`,
      );
    }
  });

  it('escapes control characters in the echoed text', () => {
    expect(() => parsePeriod('2\nsec\u001b', '--lateness')).toThrow("got '2\\nsec\\u001b'");
  });
});

describe('parseMillis (--end-time)', () => {
  it('reads a number of milliseconds and rejects anything else', () => {
    expect(parseMillis('60000', '--end-time')).toBe(60000);
    expect(() => parseMillis('later', '--end-time')).toThrow(
      "--end-time expects a time in milliseconds, got 'later'",
    );
    expect(() => parseMillis('', '--end-time')).toThrow('--end-time expects');
  });
});
