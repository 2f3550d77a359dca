/**
 * The engine's catalog: the named things statements share across `deploy` calls, and who
 * depends on whom. Event types and insert-into streams live here today; named windows,
 * tables, contexts and variables (issue #7) take their slots: an entry is registered by the
 * statement that declares it (`provide`), statements that read it declare the use (`use`),
 * and undeploying the last provider of something a live statement uses is an error naming
 * that statement (Esper refuses such an undeploy with EPUndeployPreconditionException).
 *
 *   catalog.provide('namedWindow', 'Orders', 'create-orders', store);  // at deploy
 *   catalog.use('report', 'namedWindow', 'Orders');                    // at deploy
 *   catalog.get('namedWindow', 'Orders');                              // the store
 *   catalog.checkRemovable('create-orders');                           // throws: 'report' uses it
 *   catalog.release('create-orders');                                  // at undeploy
 */
import { WeirError } from '../common/errors.js';

/** The kinds of named things, each in its own namespace. */
export type CatalogKind = 'eventType' | 'stream' | 'namedWindow' | 'table' | 'context' | 'variable';

const KIND_NAMES: Record<CatalogKind, string> = {
  eventType: 'event type',
  stream: 'stream',
  namedWindow: 'named window',
  table: 'table',
  context: 'context',
  variable: 'variable',
};

interface Entry {
  value: unknown;
  /** Statements providing it (a stream has one per statement inserting into it). */
  readonly providers: Set<string>;
  /** Statements reading it. */
  readonly users: Set<string>;
}

export class Catalog {
  private readonly entries: Record<CatalogKind, Map<string, Entry>> = {
    eventType: new Map(),
    stream: new Map(),
    namedWindow: new Map(),
    table: new Map(),
    context: new Map(),
    variable: new Map(),
  };

  /** Registers `name` as provided by `statement` (undefined: by the engine itself, never removed). */
  provide(kind: CatalogKind, name: string, statement: string | undefined, value?: unknown): void {
    const entry = this.entry(kind, name);
    if (value !== undefined) entry.value = value;
    if (statement !== undefined) entry.providers.add(statement);
  }

  /** Records that `statement` reads `name`. */
  use(statement: string, kind: CatalogKind, name: string): void {
    this.entry(kind, name).users.add(statement);
  }

  has(kind: CatalogKind, name: string): boolean {
    return this.entries[kind].has(name);
  }

  get(kind: CatalogKind, name: string): unknown {
    return this.entries[kind].get(name)?.value;
  }

  names(kind: CatalogKind): string[] {
    return [...this.entries[kind].keys()];
  }

  /** Statements other than `statement` itself that use what only `statement` provides. */
  dependents(statement: string): { kind: CatalogKind; name: string; users: string[] }[] {
    const found: { kind: CatalogKind; name: string; users: string[] }[] = [];
    for (const kind of Object.keys(this.entries) as CatalogKind[]) {
      for (const [name, entry] of this.entries[kind]) {
        if (!entry.providers.has(statement) || entry.providers.size > 1) continue;
        const users = [...entry.users].filter((u) => u !== statement);
        if (users.length > 0) found.push({ kind, name, users });
      }
    }
    return found;
  }

  /** Throws `runtime/in-use` when undeploying `statement` would leave a live statement without what it reads. */
  checkRemovable(statement: string): void {
    const [first] = this.dependents(statement);
    if (first === undefined) return;
    const users = first.users.map((u) => `'${u}'`).join(', ');
    throw new WeirError(
      'runtime/in-use',
      `Cannot undeploy statement '${statement}': statement ${users} ${first.users.length === 1 ? 'reads' : 'read'} ${KIND_NAMES[first.kind]} '${first.name}', which only '${statement}' provides; undeploy ${first.users.length === 1 ? 'it' : 'them'} first`,
    );
  }

  /** Forgets what `statement` provides and uses; entries with no provider left are dropped. */
  release(statement: string): void {
    for (const map of Object.values(this.entries)) {
      for (const [name, entry] of map) {
        entry.users.delete(statement);
        if (!entry.providers.delete(statement)) continue;
        if (entry.providers.size === 0 && entry.users.size === 0) map.delete(name);
      }
    }
  }

  private entry(kind: CatalogKind, name: string): Entry {
    const map = this.entries[kind];
    let entry = map.get(name);
    if (entry === undefined) {
      entry = { value: undefined, providers: new Set(), users: new Set() };
      map.set(name, entry);
    }
    return entry;
  }
}
