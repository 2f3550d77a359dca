/**
 * The engine's shared state at runtime: variables, and the named windows (and tables) by
 * name, created by their create statements and found by the statements that read and
 * change them. One per engine, across deployments.
 */
import { WeirError } from '../common/errors.js';
import { VariableStore } from '../variables/variable-store.js';
import type { NamedWindowRuntime } from './named-window.js';

export class InfraRuntime {
  readonly variables = new VariableStore();
  private readonly windows = new Map<string, NamedWindowRuntime>();

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
}
