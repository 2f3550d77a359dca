import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/cli/summary.js';

describe('formatSummary', () => {
  it('accounts for every event, the rows per statement and the rate', () => {
    expect(
      formatSummary({
        read: 1000,
        processed: 990,
        late: 4,
        malformed: 6,
        skipped: true,
        rowsOut: [
          { statement: 'avg', rows: 990 },
          { statement: 'spikes', rows: 3 },
        ],
        seconds: 0.5,
      }),
    ).toBe(
      [
        'weir: 1000 events read, 990 processed, 4 late, 6 malformed (skipped)',
        'weir: rows out: avg=990 spikes=3',
        'weir: 0.500 s, 2000 events/s',
      ].join('\n'),
    );
  });

  it('says "1 event" and "none", and does not divide by a zero time', () => {
    expect(
      formatSummary({
        read: 1,
        processed: 1,
        late: 0,
        malformed: 0,
        skipped: false,
        rowsOut: [],
        seconds: 0,
      }),
    ).toBe(
      'weir: 1 event read, 1 processed, 0 late, 0 malformed\nweir: rows out: none\nweir: 0.000 s, 1 events/s',
    );
  });
});
