/**
 * The wire format of the read worker: rows built from records and text lines come back as
 * the same events (keys in declaration order, every value kind, -0), the same text lines,
 * in the same order, across batches, with string ids reused across batches and strings past
 * the id limit sent inline.
 */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/row.js';
import {
  TEXT_LINE,
  WireBatchBuilder,
  makeEventDecoder,
  newWireCursor,
  startBatch,
} from '../../src/io/event-wire.js';
import type { EventSchemaInfo } from '../../src/runtime/api.js';

const SCHEMA: EventSchemaInfo = {
  name: 'T',
  properties: [
    { name: 's', type: 'string' },
    { name: 'd', type: 'double' },
    { name: 'b', type: 'boolean' },
    { name: 'a', type: 'any' },
  ],
  timestampProperty: undefined,
  open: false,
};

describe('event wire', () => {
  it('round-trips records and text lines over several batches', () => {
    const builder = new WireBatchBuilder([SCHEMA], 3);
    const decode = makeEventDecoder(SCHEMA);
    const events: Row[] = [
      { s: 'x', d: 1.5, b: true, a: null },
      { s: 'y', d: -0, b: false, a: 'x' },
      { s: 'x', d: null, b: null, a: 7 },
      { s: 'z', d: 3, b: true, a: 'w' }, // 'w' is the 4th distinct string: sent inline
      { s: 'w', d: 4, b: true, a: 'é✓' },
    ];
    const cursor = newWireCursor();
    const out: unknown[] = [];
    const expected: unknown[] = [];
    for (let round = 0; round < 2; round++) {
      events.forEach((event, i) => {
        builder.record({
          type: 'T',
          timestamp: i === 2 ? undefined : 100 + i,
          event,
          file: 'f',
          line: i + 1,
        });
        expected.push(['T', event, i === 2 ? undefined : 100 + i, i + 1]);
        if (i === 1) {
          builder.text('{"some":"text"}', 99);
          expected.push(['text', '{"some":"text"}', 99]);
        }
      });
      const { batch } = builder.take(0, 10, 20, 30);
      expect(batch).toMatchObject({ file: 0, offset: 10, line: 20, bytes: 30, count: events.length + 1 });
      startBatch(cursor, batch);
      for (let r = 0; r < batch.count; r++) {
        if (batch.kinds[r] === TEXT_LINE) out.push(['text', cursor.strings[cursor.string++], batch.lines[r]]);
        else {
          const t = batch.times[r] as number;
          out.push(['T', decode(cursor), Number.isNaN(t) ? undefined : t, batch.lines[r]]);
        }
      }
    }
    expect(out).toEqual(expected);
    // Keys in declaration order, and -0 kept.
    expect(Object.keys((out[0] as [string, Row])[1])).toEqual(['s', 'd', 'b', 'a']);
    expect(Object.is(((out[1] as [string, Row])[1] as Row).d, -0)).toBe(true);
    // The second round sent only the strings without an id.
    expect(cursor.known).toEqual(['x', 'y', 'z']);
  });
});
