/**
 * The engine's shared state at runtime: variables, and the named windows and tables by
 * name, created by their create statements and found by the statements that read and
 * change them. One per engine, across deployments.
 */
import { WeirError } from '../common/errors.js';
import { VariableStore } from '../variables/variable-store.js';
import type { ContextRuntime } from './context-runtime.js';
import type { NamedWindowRuntime } from './named-window.js';
import { TableReads, type TableRuntime } from './table.js';

export class InfraRuntime {
  readonly variables = new VariableStore();
  private readonly windows = new Map<string, NamedWindowRuntime>();
  private readonly tables = new Map<string, TableRuntime>();
  private readonly contexts = new Map<string, ContextRuntime>();
  /** What compiled `T[k].col` expressions read. */
  readonly tableReads = new TableReads((name) => this.tables.get(name));

  addWindow(window: NamedWindowRuntime): void {
    this.windows.set(window.def.name, window);
  }

  removeWindow(name: string): void {
    this.windows.delete(name);
  }

  window(name: string): NamedWindowRuntime {
    const window = this.windows.get(name);
    if (window === undefined) {
      throw new WeirError(
        'runtime/unknown-statement',
        `Named window '${name}' does not exist (its create window statement is not deployed)`,
      );
    }
    return window;
  }

  hasWindow(name: string): boolean {
    return this.windows.has(name);
  }

  addTable(table: TableRuntime): void {
    this.tables.set(table.def.name, table);
  }

  removeTable(name: string): void {
    this.tables.delete(name);
  }

  table(name: string): TableRuntime {
    const table = this.tables.get(name);
    if (table === undefined) {
      throw new WeirError(
        'runtime/unknown-statement',
        `Table '${name}' does not exist (its create table statement is not deployed)`,
      );
    }
    return table;
  }

  addContext(context: ContextRuntime): void {
    this.contexts.set(context.def.name, context);
  }

  removeContext(name: string): void {
    this.contexts.delete(name);
  }

  context(name: string): ContextRuntime {
    const context = this.contexts.get(name);
    if (context === undefined) {
      throw new WeirError(
        'runtime/unknown-statement',
        `Context '${name}' does not exist (its create context statement is not deployed)`,
      );
    }
    return context;
  }
}
