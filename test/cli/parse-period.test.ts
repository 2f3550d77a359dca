import { describe, expect, it } from 'vitest';
import { parseMillis, parsePeriod } from '../../src/cli/parse-period.js';

describe('parsePeriod (--lateness)', () => {
  it('reads bare milliseconds and unit suffixes, with or without a space', () => {
    expect(
      ['500', '500ms', '500 msec', '2s', '2 sec', '1.5 seconds', '1 min', '2 minutes', '1h', '0'].map((t) =>
        parsePeriod(t, '--lateness'),
      ),
    ).toEqual([500, 500, 500, 2000, 2000, 1500, 60_000, 120_000, 3_600_000, 0]);
  });

  it('rejects negative, unitless garbage and unknown units with the option named', () => {
    for (const bad of ['-1', 'soon', '1 fortnight', '', '2s3', '1e3']) {
      expect(() => parsePeriod(bad, '--lateness')).toThrow(
        `--lateness expects a duration such as 500, 500ms, 2s or 1 min; got '${bad}'`,
      );
    }
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
