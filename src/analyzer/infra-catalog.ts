/**
 * The variables, named windows, indexes, tables and contexts a module can name: those of
 * earlier deployments (given by the engine) and those this module declares, in order.
 * Names are global per engine, as in Esper; a name declared twice is an error naming it.
 */
import type { Identifier } from '../ast/ast.js';
import { WeirError } from '../common/errors.js';
import type { ContextDef, IndexDef, NamedWindowDef, TableDef, VariableDef } from '../plan/infra-defs.js';

/** Every definition an engine knows, by kind. */
export interface InfraDefs {
  readonly variables: readonly VariableDef[];
  readonly windows: readonly NamedWindowDef[];
  readonly indexes: readonly IndexDef[];
  readonly tables: readonly TableDef[];
  readonly contexts: readonly ContextDef[];
}

export const NO_INFRA: InfraDefs = { variables: [], windows: [], indexes: [], tables: [], contexts: [] };

/** Everything `known` defines plus what `added` adds (a later deployment). */
export function mergeInfraDefs(known: InfraDefs, added: InfraDefs): InfraDefs {
  return {
    variables: [...known.variables, ...added.variables],
    windows: [...known.windows, ...added.windows],
    indexes: [...known.indexes, ...added.indexes],
    tables: [...known.tables, ...added.tables],
    contexts: [...known.contexts, ...added.contexts],
  };
}

export class InfraCatalog {
  private readonly variables = new Map<string, VariableDef>();
  private readonly windows = new Map<string, NamedWindowDef>();
  private readonly indexes = new Map<string, IndexDef>();
  private readonly tables = new Map<string, TableDef>();
  private readonly contexts = new Map<string, ContextDef>();
  /** What this module declares (the engine keeps it after deploying). */
  private readonly fresh: {
    variables: VariableDef[];
    windows: NamedWindowDef[];
    indexes: IndexDef[];
    tables: TableDef[];
    contexts: ContextDef[];
  } = { variables: [], windows: [], indexes: [], tables: [], contexts: [] };

  constructor(known: InfraDefs = NO_INFRA) {
    for (const v of known.variables) this.variables.set(v.name, v);
    for (const w of known.windows) this.windows.set(w.name, w);
    for (const i of known.indexes) this.indexes.set(i.name, i);
    for (const t of known.tables) this.tables.set(t.name, t);
    for (const c of known.contexts) this.contexts.set(c.name, c);
  }

  variable(name: string): VariableDef | undefined {
    return this.variables.get(name);
  }

  window(name: string): NamedWindowDef | undefined {
    return this.windows.get(name);
  }

  table(name: string): TableDef | undefined {
    return this.tables.get(name);
  }

  context(name: string): ContextDef | undefined {
    return this.contexts.get(name);
  }

  /** The indexes of a named window, explicit and planned, in declaration order. */
  indexesOf(window: string): IndexDef[] {
    return [...this.indexes.values()].filter((i) => i.window === window);
  }

  requireContext(id: Identifier): ContextDef {
    const def = this.contexts.get(id.name);
    if (def !== undefined) return def;
    throw new WeirError(
      'analyze/unknown-stream',
      `Context '${id.name}' is not declared${hint([...this.contexts.keys()], 'create context')}`,
      { span: id.span },
    );
  }

  declareVariable(def: VariableDef, id: Identifier): void {
    this.checkFree(id, 'variable');
    this.variables.set(def.name, def);
    this.fresh.variables.push(def);
  }

  declareWindow(def: NamedWindowDef, id: Identifier): void {
    this.checkFree(id, 'named window');
    this.windows.set(def.name, def);
    this.fresh.windows.push(def);
  }

  declareIndex(def: IndexDef, id: Identifier | undefined): void {
    if (this.indexes.has(def.name)) {
      throw new WeirError('analyze/duplicate-schema', `An index named '${def.name}' already exists`, {
        ...(id === undefined ? {} : { span: id.span }),
      });
    }
    this.indexes.set(def.name, def);
    this.fresh.indexes.push(def);
  }

  declareTable(def: TableDef, id: Identifier): void {
    this.checkFree(id, 'table');
    this.tables.set(def.name, def);
    this.fresh.tables.push(def);
  }

  declareContext(def: ContextDef, id: Identifier): void {
    if (this.contexts.has(def.name)) {
      throw new WeirError('analyze/duplicate-schema', `A context named '${def.name}' already exists`, {
        span: id.span,
      });
    }
    this.contexts.set(def.name, def);
    this.fresh.contexts.push(def);
  }

  /** Definitions this module declared, in order. */
  declared(): InfraDefs {
    return this.fresh;
  }

  /** Variables, named windows and tables share one name space (Esper resolves them alike). */
  private checkFree(id: Identifier, what: string): void {
    const name = id.name;
    const taken = this.variables.has(name)
      ? 'a variable'
      : this.windows.has(name)
        ? 'a named window'
        : this.tables.has(name)
          ? 'a table'
          : undefined;
    if (taken !== undefined) {
      throw new WeirError(
        'analyze/duplicate-schema',
        `Cannot create ${what} '${name}': ${taken} by that name already exists`,
        {
          span: id.span,
        },
      );
    }
  }
}

function hint(known: readonly string[], how: string): string {
  return known.length === 0 ? ` (declare it first with \`${how} …\`)` : ` (known: ${known.join(', ')})`;
}
