import { describe, expect, it } from 'vitest';
import { renderExpressionName } from '../../src/ast/render-name.js';
import { parseModule } from '../../src/parser/parse-module.js';

function name(text: string): string {
  const item = parseModule(`select ${text} from S`).items[0];
  if (item?.kind !== 'Select' || item.selectList[0]?.kind !== 'SelectExpr') throw new Error();
  return renderExpressionName(item.selectList[0].expr);
}

describe("renderExpressionName: Esper's names for unaliased columns", () => {
  it.each([
    ['avg(price)', 'avg(price)'],
    ['count(*)', 'count(*)'],
    ['sum(volume)', 'sum(volume)'],
    ['count(distinct symbol)', 'count(distinct symbol)'],
    ['prev(1, price)', 'prev(1,price)'],
    ['price * 2', 'price*2'],
    ['volume > 406', 'volume>406'],
    ["coalesce(zone, 'none')", 'coalesce(zone,"none")'],
    ['-price', '-1*price'],
    ['sum(volume) / count(*)', '(sum(volume))/(count(*))'],
    ['price - prior(2, price)', 'price-prior(2,price)'],
    ['volume between 123 and 657', 'volume between 123 and 657'],
    ['temp is not null', 'temp is not null'],
    ['(a + b) * c', '(a+b)*c'],
    ['a.b', 'a.b'],
  ])('%s → %s', (text, expected) => {
    expect(name(text)).toBe(expected);
  });
});
