/** Bound expressions as readable text, for explain output and optimizer traces. */
import type { BoundExpr } from './bound-expr.js';

function path(p: readonly (string | number)[]): string {
  return p.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

export function renderExpr(e: BoundExpr): string {
  switch (e.kind) {
    case 'Const':
      return typeof e.value === 'string' ? `'${e.value.replace(/'/g, "''")}'` : String(e.value);
    case 'Prop':
      return path(e.path);
    case 'TagProp':
      return e.path.length === 0
        ? e.tag
        : `${e.tag}${typeof e.path[0] === 'number' ? '' : '.'}${path(e.path)}`;
    case 'Neg':
      return `-${renderExpr(e.operand)}`;
    case 'Not':
      return `not ${renderExpr(e.operand)}`;
    case 'Arith':
    case 'Compare':
      return `(${renderExpr(e.left)} ${e.op} ${renderExpr(e.right)})`;
    case 'Concat':
      return `(${renderExpr(e.left)} || ${renderExpr(e.right)})`;
    case 'Logic':
      return `(${e.operands.map(renderExpr).join(` ${e.op} `)})`;
    case 'InList':
      return `${renderExpr(e.operand)}${e.negated ? ' not' : ''} in (${e.list.map(renderExpr).join(', ')})`;
    case 'Range':
      return `${renderExpr(e.operand)}${e.negated ? ' not' : ''} between ${renderExpr(e.low)} and ${renderExpr(e.high)}`;
    case 'LikeMatch':
      return `${renderExpr(e.operand)}${e.negated ? ' not' : ''} like ${renderExpr(e.pattern)}`;
    case 'RegexMatch':
      return `${renderExpr(e.operand)}${e.negated ? ' not' : ''} regexp ${renderExpr(e.pattern)}`;
    case 'NullTest':
      return `${renderExpr(e.operand)} is ${e.negated ? 'not ' : ''}null`;
    case 'CaseWhen': {
      const head = e.operand === undefined ? 'case' : `case ${renderExpr(e.operand)}`;
      const whens = e.whens.map((w) => ` when ${renderExpr(w.when)} then ${renderExpr(w.then)}`).join('');
      const other = e.otherwise === undefined ? '' : ` else ${renderExpr(e.otherwise)}`;
      return `${head}${whens}${other} end`;
    }
    case 'Func':
      return `${e.name}(${e.args.map(renderExpr).join(', ')})`;
    case 'Convert':
      return `cast(${renderExpr(e.operand)}, ${e.type})`;
    case 'AggRef':
      return `$agg${e.slot}`;
    case 'PrevRef':
      if (e.family === 'count' || e.family === 'window') return `prev${e.family}(${renderExpr(e.of)})`;
      return `prev${e.family ?? ''}(${renderExpr(e.index)}, ${renderExpr(e.of)})`;
    case 'PriorRef':
      return `prior(${e.index}, ${renderExpr(e.of)})`;
    case 'VarRef':
      return e.name;
    case 'TableRef':
      return `${e.table}[${e.keys.map(renderExpr).join(', ')}]${e.column === undefined ? '' : `.${e.column}`}`;
    case 'ContextProp':
      return `context.${e.path.join('.')}`;
    case 'Subquery': {
      const params = e.params.length === 0 ? '' : `(${e.params.map(renderExpr).join(', ')})`;
      const sub = `subquery#${e.id}${params}`;
      if (e.test === 'value' || e.test === 'exists') return e.test === 'exists' ? `exists ${sub}` : sub;
      const left = e.operand === undefined ? '' : `${renderExpr(e.operand)} `;
      return e.test === 'in' || e.test === 'not in'
        ? `${left}${e.test} ${sub}`
        : `${left}${e.op} ${e.test} ${sub}`;
    }
  }
}
