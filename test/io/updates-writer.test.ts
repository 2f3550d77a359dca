import { describe, expect, it } from 'vitest';
import { ByteSink } from '../../src/io/byte-sink.js';
import { updateLine, updatesWriter } from '../../src/io/updates-writer.js';
import { capture, send } from './capture.js';

describe('updateLine (the golden format)', () => {
  it('writes stmt, time, new, old in that order with null for an absent side', () => {
    expect(updateLine('s', 1000, [{ a: 1, b: 'x' }], null)).toBe(
      '{"stmt":"s","time":1000,"new":[{"a":1,"b":"x"}],"old":null}',
    );
    expect(updateLine('s', 2000, null, [{ a: 1 }, { a: 2 }])).toBe(
      '{"stmt":"s","time":2000,"new":null,"old":[{"a":1},{"a":2}]}',
    );
    expect(updateLine('s', 0, [], null)).toBe('{"stmt":"s","time":0,"new":[],"old":null}');
  });

  it('keeps row keys in the order the statement produced them, and nulls', () => {
    expect(updateLine('s', 1, [{ z: null, a: 2, m: true }], null)).toBe(
      '{"stmt":"s","time":1,"new":[{"z":null,"a":2,"m":true}],"old":null}',
    );
  });

  it('spells non-finite numbers as strings, at any depth, leaving finite ones alone', () => {
    expect(
      updateLine(
        's',
        1,
        [{ a: Number.POSITIVE_INFINITY, b: Number.NEGATIVE_INFINITY, c: Number.NaN, d: 1.5 }],
        [{ w: [1, Number.NaN, { x: Number.POSITIVE_INFINITY }] }],
      ),
    ).toBe(
      '{"stmt":"s","time":1,"new":[{"a":"Infinity","b":"-Infinity","c":"NaN","d":1.5}],"old":[{"w":[1,"NaN",{"x":"Infinity"}]}]}',
    );
  });

  it('writes numbers as JavaScript prints them (shortest round trip) and escapes strings', () => {
    expect(updateLine('a"b\\c', 1, [{ v: 0.1 + 0.2, big: 1e21, neg: -0, s: 'line\nbreak "q"' }], null)).toBe(
      '{"stmt":"a\\"b\\\\c","time":1,"new":[{"v":0.30000000000000004,"big":1e+21,"neg":0,"s":"line\\nbreak \\"q\\""}],"old":null}',
    );
  });
});

describe('updatesWriter', () => {
  it('writes one line per listener call, buffered into few write calls', () => {
    const out = capture();
    const writer = updatesWriter(new ByteSink(out.stream));
    for (let i = 0; i < 1000; i++) send(writer, 's', i, [{ i }], null);
    // ~50 KB: the sink's small first buffer (16 KB) has been handed over, the rest is held.
    expect(out.writes()).toBe(1);
    writer.end();
    const lines = out.text().split('\n');
    expect(lines).toHaveLength(1001);
    expect(lines[999]).toBe('{"stmt":"s","time":999,"new":[{"i":999}],"old":null}');
    expect(lines[1000]).toBe('');
    expect(out.writes()).toBe(2);
  });
});
