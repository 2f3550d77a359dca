/** A pattern plan as text, for explain: operators, filters and their correlation indexes. */
import { renderExpr } from '../expr/render-expr.js';
import { describePeriod } from './pattern-period.js';
import type { PatternNode } from './pattern-plan.js';

export function describePattern(node: PatternNode): string {
  switch (node.kind) {
    case 'MatchFilter': {
      const index =
        node.correlation === undefined
          ? ''
          : ` {index ${node.correlation.property} = ${renderExpr(node.correlation.tagSide)}}`;
      const filter = node.predicate === undefined ? '' : `(${renderExpr(node.predicate)})`;
      return `${node.text}${filter}${index}`;
    }
    case 'MatchEvery':
      return `every ${describePattern(node.child)}`;
    case 'MatchEveryDistinct':
      return `every-distinct(${node.keys.map(renderExpr).join(', ')}${node.periodMs === undefined ? '' : `, ${node.periodMs} ms`}) ${describePattern(node.child)}`;
    case 'MatchFollowedBy':
      return `(${node.children.map(describePattern).join(' -> ')})`;
    case 'MatchAnd':
      return `(${node.children.map(describePattern).join(' and ')})`;
    case 'MatchOr':
      return `(${node.children.map(describePattern).join(' or ')})`;
    case 'MatchNot':
      return `not ${describePattern(node.child)}`;
    case 'MatchRepeat':
      return `[${node.lower ?? ''}:${node.upper ?? ''}] ${describePattern(node.child)}${node.until === undefined ? '' : ` until ${describePattern(node.until)}`}`;
    case 'MatchWithin':
      return `${describePattern(node.child)} where timer:within${node.maxMatches === undefined ? '' : 'max'}(${describePeriod(node.period)}${node.maxMatches === undefined ? '' : `, ${node.maxMatches}`})`;
    case 'MatchWhile':
      return `${describePattern(node.child)} while (${renderExpr(node.condition)})`;
    case 'MatchInterval':
      return `timer:interval(${describePeriod(node.period)})`;
    case 'MatchAt':
      return `timer:at(${node.fields.map((f) => (f === null ? '*' : f.join(','))).join(', ')})`;
  }
}
