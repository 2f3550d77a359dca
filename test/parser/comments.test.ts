/** Comments: Esper's `//` and `/* *\/`, and SQL's `--` (a Weir extension; issue 13 §1). */
import { describe, expect, it } from 'vitest';
import { checkModule, parseModule } from '../../src/index.js';
import { createEngine } from '../../src/index.js';

const SCHEMA = 'create schema T(x int, s string);';

function selectText(epl: string): string {
  const item = parseModule(epl).items.find((i) => i.kind !== 'CreateSchema');
  return (item as { text: string }).text;
}

describe('line comments', () => {
  it('-- runs to the end of the line, like //', () => {
    const epl = `${SCHEMA}
      -- a whole-line comment
      select x, -- after a column
             s  // Esper's own comment
      from T -- before the semicolon
      ;`;
    expect(checkModule(epl)).toEqual([]);
    expect(selectText(epl)).toBe(
      "select x, -- after a column\n             s  // Esper's own comment\n      from T",
    );
  });

  it('keeps -- inside string literals', () => {
    const engine = createEngine();
    const [s] = engine.deploy(`${SCHEMA} select s from T where s = 'a--b' or s = "--"`);
    const seen: unknown[] = [];
    s?.subscribe((n) => seen.push(n?.[0]?.s));
    for (const v of ['a--b', 'a', '--']) engine.send('T', { x: 1, s: v }, 1);
    expect(seen).toEqual(['a--b', '--']);
  });

  it('still reads - -5 and -(-5) as two minus signs', () => {
    const engine = createEngine();
    const [s] = engine.deploy(`${SCHEMA} select x - -5 as a, -(-5) as b, - - x as c from T`);
    const rows: unknown[] = [];
    s?.subscribe((n) => rows.push(n?.[0]));
    engine.send('T', { x: 2, s: '' }, 1);
    expect(rows).toEqual([{ a: 7, b: 5, c: 2 }]);
  });

  it('x--5 is x followed by a comment (Esper rejects it: -- is its decrement token)', () => {
    expect(checkModule(`${SCHEMA} select x--5 from T`).map((e) => e.code)).toEqual([
      'parse/unexpected-token',
    ]);
    expect(checkModule(`${SCHEMA} select x--5\n from T`)).toEqual([]);
  });

  it('-> is still the followed-by arrow', () => {
    expect(checkModule(`${SCHEMA} select * from pattern [a=T -> b=T] -- done`)).toEqual([]);
  });
});
