/**
 * `from A#w as a left outer join B#w as b on a.id = b.id [and a.k = b.k] …`: Esper's outer
 * joins. Clause i joins stream i + 1 to an earlier stream; its on clause is a conjunction of
 * equalities between a property of stream i + 1 and a property of one earlier stream, every
 * pair between the same two streams (Esper's outer join grammar and the checks of its
 * EPStatementStartMethodHelperValidate). Other conditions belong in the where clause, which an
 * outer join tests on its result rows, null-padded ones included.
 */
import type { Expr, JoinClause, PropertyRef, SelectStatement } from '../ast/ast.js';
import { WeirError } from '../common/errors.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { JoinClausePlan, JoinEquality, JoinKeyPart } from '../plan/logical-plan.js';

/**
 * The statement's join clauses when one of them is an outer join; undefined when all are
 * inner (their on conditions then mean what the same conditions in the where clause mean).
 */
export function analyzeJoinClauses(
  stmt: SelectStatement,
  aliases: readonly string[],
  bind: (expr: Expr) => BoundExpr,
): JoinClausePlan[] | undefined {
  if (stmt.joins.every((j) => j.kind === 'inner')) return undefined;
  if (stmt.from.length !== stmt.joins.length + 1) {
    const outer = stmt.joins.find((j) => j.kind !== 'inner') as JoinClause;
    throw new WeirError(
      'analyze/invalid-join',
      'An outer join lists its streams with join … on clauses only: write each stream after the first as [inner | left outer | right outer | full outer] join S on …, not after a comma',
      { span: outer.span },
    );
  }
  return stmt.joins.map((clause, i) => ({
    kind: clause.kind,
    equalities: onEqualities(clause, i + 1, aliases, bind),
  }));
}

function onEqualities(
  clause: JoinClause,
  joined: number,
  aliases: readonly string[],
  bind: (expr: Expr) => BoundExpr,
): JoinEquality[] {
  const joinedAlias = aliases[joined] as string;
  const pairs = conjuncts(clause.on).map((conjunct) => {
    if (
      conjunct.kind !== 'Binary' ||
      conjunct.op !== '=' ||
      conjunct.left.kind !== 'PropertyRef' ||
      conjunct.right.kind !== 'PropertyRef'
    ) {
      throw new WeirError(
        'analyze/invalid-join',
        `The on clause of an outer join is made of equalities between properties of two streams, as in ${aliases[0]}.id = ${joinedAlias}.id (joined by and); put other conditions in the where clause`,
        { span: conjunct.span },
      );
    }
    const left = keyPart(conjunct.left, aliases, bind);
    const right = keyPart(conjunct.right, aliases, bind);
    if (left.stream === right.stream) {
      throw new WeirError(
        'analyze/invalid-join',
        `The on clause compares two properties of stream '${aliases[left.stream]}': an outer join's on clause relates the joined stream to another one`,
        { span: conjunct.span },
      );
    }
    if (left.stream !== joined && right.stream !== joined) {
      throw new WeirError(
        'analyze/invalid-join',
        `The on clause of the join of '${joinedAlias}' must compare a property of '${joinedAlias}' with one of an earlier stream`,
        { span: conjunct.span },
      );
    }
    const later = Math.max(left.stream, right.stream);
    if (later > joined) {
      throw new WeirError(
        'analyze/invalid-join',
        `The on clause of the join of '${joinedAlias}' refers to '${aliases[later]}', which is joined later: it may refer to '${joinedAlias}' and the streams before it`,
        { span: conjunct.span },
      );
    }
    return { left, right, span: conjunct.span };
  });
  const first = pairs[0];
  if (first === undefined) throw new Error('an on clause has at least one conjunct');
  for (const p of pairs) {
    const same =
      (p.left.stream === first.left.stream && p.right.stream === first.right.stream) ||
      (p.left.stream === first.right.stream && p.right.stream === first.left.stream);
    if (!same) {
      throw new WeirError(
        'analyze/invalid-join',
        `Every equality of an on clause must relate the same two streams ('${aliases[first.left.stream]}' and '${aliases[first.right.stream]}')`,
        { span: p.span },
      );
    }
  }
  return pairs.map(({ left, right }) => ({ left, right }));
}

function conjuncts(expr: Expr): Expr[] {
  if (expr.kind === 'Binary' && expr.op === 'and') return [...conjuncts(expr.left), ...conjuncts(expr.right)];
  return [expr];
}

/** A property of one stream, bound on the join row (`a.id` → Prop ['a', 'id']). */
function keyPart(ref: PropertyRef, aliases: readonly string[], bind: (expr: Expr) => BoundExpr): JoinKeyPart {
  const expr = bind(ref);
  const stream = expr.kind === 'Prop' ? aliases.indexOf(expr.path[0] as string) : -1;
  if (expr.kind !== 'Prop' || stream < 0 || expr.path.length < 2) {
    throw new WeirError(
      'analyze/invalid-join',
      `'${ref.path.map((p) => p.name).join('.')}' is not a property of a joined stream: the on clause compares properties of two streams`,
      { span: ref.span },
    );
  }
  return { stream, expr };
}
