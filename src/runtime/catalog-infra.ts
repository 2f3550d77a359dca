/**
 * What a statement provides and reads of the engine's shared state, for the catalog: a create
 * statement provides its named window, table, context or variable; consumers, joins and
 * subqueries, `on` actions, `into table` and `insert into` a named window read them. Undeploying a create statement is
 * then refused while another statement still reads what it created.
 */
import type { InfraDefs } from '../analyzer/infra-catalog.js';
import { type StatementPlan, forEachNode } from '../plan/logical-plan.js';
import type { Catalog, CatalogKind } from './catalog.js';

const DEFINED: Record<string, CatalogKind | undefined> = {
  window: 'namedWindow',
  table: 'table',
  context: 'context',
  variable: 'variable',
  index: undefined,
};

export function catalogInfra(plan: StatementPlan, catalog: Catalog, infra: InfraDefs): void {
  const name = plan.name;
  const into = plan.root.insertInto?.stream;
  if (into !== undefined && infra.windows.some((w) => w.name === into))
    catalog.use(name, 'namedWindow', into);
  if (plan.context !== undefined) catalog.use(name, 'context', plan.context);
  for (const sub of plan.subqueries) {
    const shared = sub.shared;
    if (shared !== undefined)
      catalog.use(name, shared.kind === 'table' ? 'table' : 'namedWindow', shared.name);
  }
  forEachNode(plan.root, (node) => {
    switch (node.kind) {
      case 'Define': {
        const def = node.definition;
        const kind = DEFINED[def.kind];
        if (kind !== undefined) catalog.provide(kind, def.def.name, name);
        else if (def.kind === 'index') catalog.use(name, 'namedWindow', def.def.window);
        return;
      }
      case 'NamedWindowSource':
        catalog.use(name, 'namedWindow', node.window);
        return;
      case 'TableSource':
        catalog.use(name, 'table', node.table);
        return;
      case 'OnTrigger': {
        const action = node.action;
        if (action.kind === 'set')
          for (const a of action.assignments) catalog.use(name, 'variable', a.variable);
        else catalog.use(name, action.target.kind === 'window' ? 'namedWindow' : 'table', action.target.name);
        return;
      }
      case 'Aggregate':
        if (node.intoTable !== undefined) catalog.use(name, 'table', node.intoTable.table);
        return;
      default:
        return;
    }
  });
}
