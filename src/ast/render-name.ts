/**
 * The column name Esper gives an unaliased select expression: its rendering of the
 * expression tree (not the source text). Observed on Esper 9: operators without spaces
 * (`price*2`, `volume>406`), calls without spaces after commas (`prev(1,price)`), strings
 * re-quoted with double quotes, unary minus as `-1*price`, keyword operators with spaces
 * (`volume between 123 and 657`, `temp is not null`), and a child parenthesised when its
 * precedence is lower than its parent's; aggregates have the lowest precedence, so inside
 * arithmetic they are always parenthesised (`(sum(volume))/(count(*))`).
 */
import { lookupAggregateName } from './aggregate-names.js';
import type { Expr, Literal, Subquery } from './ast.js';

/** Esper's ExprPrecedenceEnum levels. */
enum Precedence {
  Minimum = -1,
  Case = 1,
  Or = 2,
  And = 3,
  Negated = 5,
  Equals = 6,
  Relational = 7,
  Concat = 8,
  Additive = 9,
  Multiply = 10,
  Unary = 11,
}

function isAggregateCall(expr: Expr): boolean {
  if (expr.kind !== 'Call') return false;
  const name = expr.name.name.toLowerCase();
  if ((name === 'min' || name === 'max') && expr.args.length >= 2) return false;
  return lookupAggregateName(name);
}

function precedence(expr: Expr): Precedence {
  switch (expr.kind) {
    case 'Binary':
      switch (expr.op) {
        case '*':
        case '/':
        case '%':
          return Precedence.Multiply;
        case '+':
        case '-':
          return Precedence.Additive;
        case '||':
          return Precedence.Concat;
        case '<':
        case '<=':
        case '>':
        case '>=':
          return Precedence.Relational;
        case '=':
        case '!=':
          return Precedence.Equals;
        case 'and':
          return Precedence.And;
        case 'or':
          return Precedence.Or;
      }
      break;
    case 'In':
    case 'Between':
    case 'Like':
    case 'Regexp':
      return Precedence.Relational;
    case 'IsNull':
      return Precedence.Equals;
    case 'Unary':
      return expr.op === 'not'
        ? Precedence.Negated
        : expr.op === '-'
          ? Precedence.Multiply
          : Precedence.Unary;
    case 'Case':
      return Precedence.Case;
    case 'Call':
      return isAggregateCall(expr) ? Precedence.Minimum : Precedence.Unary;
    default:
      return Precedence.Unary;
  }
  return Precedence.Unary;
}

/** Java's Double.toString for the values literals can hold. */
function javaDouble(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e7) return `${value}.0`;
  const s = String(value);
  return s.includes('e') ? s.replace('e+', 'E').replace('e', 'E') : s;
}

function renderLiteral(lit: Literal): string {
  switch (lit.literalType) {
    case 'string':
      return `"${String(lit.value)}"`;
    case 'double':
      return javaDouble(lit.value as number);
    case 'null':
      return 'null';
    default:
      return String(lit.value);
  }
}

function child(expr: Expr, parent: Precedence): string {
  const text = renderExpressionName(expr);
  return precedence(expr) < parent ? `(${text})` : text;
}

export function renderExpressionName(expr: Expr): string {
  switch (expr.kind) {
    case 'Literal':
      return renderLiteral(expr);
    case 'TimePeriod':
      return expr.parts.map((p) => `${renderExpressionName(p.value)} ${p.unit}s`).join(' ');
    case 'PropertyRef':
      return expr.path.map((s) => (s.index === undefined ? s.name : `${s.name}[${s.index}]`)).join('.');
    case 'Unary': {
      if (expr.op === 'not') return `not ${child(expr.operand, Precedence.Negated)}`;
      if (expr.op === '+') return renderExpressionName(expr.operand);
      // Esper folds a negated number into the constant and turns any other negation into -1*x.
      if (expr.operand.kind === 'Literal' && typeof expr.operand.value === 'number') {
        return renderLiteral({ ...expr.operand, value: -expr.operand.value });
      }
      return `-1*${child(expr.operand, Precedence.Multiply)}`;
    }
    case 'Binary': {
      const p = precedence(expr);
      const spaced = expr.op === 'and' || expr.op === 'or';
      const op = spaced ? ` ${expr.op} ` : expr.op;
      return `${child(expr.left, p)}${op}${child(expr.right, p)}`;
    }
    case 'In': {
      const items = expr.list.map((e) => renderExpressionName(e)).join(',');
      return `${child(expr.operand, Precedence.Relational)}${expr.negated ? ' not' : ''} in (${items})`;
    }
    case 'Between':
      return `${child(expr.operand, Precedence.Relational)}${expr.negated ? ' not' : ''} between ${child(expr.low, Precedence.Relational)} and ${child(expr.high, Precedence.Relational)}`;
    case 'Like': {
      const escapeText = expr.escape === undefined ? '' : ` escape ${renderExpressionName(expr.escape)}`;
      return `${child(expr.operand, Precedence.Relational)}${expr.negated ? ' not' : ''} like ${child(expr.pattern, Precedence.Relational)}${escapeText}`;
    }
    case 'Regexp':
      return `${child(expr.operand, Precedence.Relational)}${expr.negated ? ' not' : ''} regexp ${child(expr.pattern, Precedence.Relational)}`;
    case 'IsNull':
      return `${child(expr.operand, Precedence.Equals)} is ${expr.negated ? 'not ' : ''}null`;
    case 'Case': {
      const head = expr.operand === undefined ? 'case' : `case ${renderExpressionName(expr.operand)}`;
      const whens = expr.whens
        .map((w) => ` when ${renderExpressionName(w.when)} then ${renderExpressionName(w.then)}`)
        .join('');
      const otherwise = expr.otherwise === undefined ? '' : ` else ${renderExpressionName(expr.otherwise)}`;
      return `${head}${whens}${otherwise} end`;
    }
    case 'Call': {
      const name = expr.name.name;
      if (expr.star) return `${name}(*)`;
      const args = expr.args.map((a) => renderExpressionName(a)).join(',');
      return `${name}(${expr.distinct ? 'distinct ' : ''}${args})`;
    }
    case 'Cast':
      return `cast(${renderExpressionName(expr.operand)},${expr.targetType})`;
    case 'TableAccess': {
      const keys = expr.keys.map((k) => renderExpressionName(k)).join(',');
      return `${expr.table.name}[${keys}]${expr.column === undefined ? '' : `.${expr.column.name}`}`;
    }
    case 'Subquery':
    case 'Exists':
    case 'InSubquery':
      return subqueryName(expr.query);
    case 'Quantified': {
      if (expr.query !== undefined) return subqueryName(expr.query);
      const p = expr.op === '=' || expr.op === '!=' ? Precedence.Equals : Precedence.Relational;
      const items = expr.list.map((e) => child(e, p)).join(',');
      return `${child(expr.operand, p)}${expr.op}${expr.quantifier}(${items})`;
    }
  }
}

/** Esper's ExprSubselectNode rendering: the first column's alias, else `subselect_<n>`. */
function subqueryName(query: Subquery): string {
  const first = query.selectList[0];
  if (first?.kind === 'SelectExpr' && first.alias !== undefined) return first.alias.name;
  return `subselect_${query.number}`;
}
