/**
 * The engine's variables: current values by name, read by compiled expressions through the
 * evaluation frame (`frame.variables[name]`), written by `on … set` and `engine.setVariable`.
 * A write is visible at once to everything evaluated after it (Esper: a thread sees its own
 * uncommitted writes, and statements processing the same event later see the new value), and
 * notifies the variable's listeners (the create-variable statement posts new and old value).
 */
import { WeirError } from '../common/errors.js';
import type { EplType } from '../common/types.js';

export interface VariableSpec {
  readonly name: string;
  readonly type: EplType;
  readonly constant: boolean;
  readonly initial: unknown;
}

export type VariableListener = (newValue: unknown, oldValue: unknown) => void;

export class VariableStore {
  /** Current values, read directly by compiled expressions. */
  readonly values: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  private readonly specs = new Map<string, VariableSpec>();
  private readonly listeners = new Map<string, VariableListener[]>();

  define(spec: VariableSpec): void {
    if (this.specs.has(spec.name)) return;
    this.specs.set(spec.name, spec);
    this.values[spec.name] = spec.initial ?? null;
  }

  /** Forgets a variable (its create statement was undeployed). */
  remove(name: string): void {
    this.specs.delete(name);
    this.listeners.delete(name);
    delete this.values[name];
  }

  has(name: string): boolean {
    return this.specs.has(name);
  }

  get(name: string): unknown {
    this.require(name);
    return this.values[name] ?? null;
  }

  /** Writes a value computed by a statement (already typed by the analyzer). */
  write(name: string, value: unknown): void {
    const old = this.values[name] ?? null;
    this.values[name] = value;
    const listeners = this.listeners.get(name);
    if (listeners !== undefined) for (const l of listeners) l(value, old);
  }

  /** Writes a value given through the API, checking it fits the declared type. */
  set(name: string, value: unknown): void {
    const spec = this.require(name);
    if (spec.constant) {
      throw new WeirError('runtime/invalid-value', `Variable '${name}' is a constant and cannot be set`);
    }
    this.write(name, checkValue(spec, value));
  }

  onChange(name: string, listener: VariableListener): () => void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
    return () => {
      this.listeners.set(
        name,
        (this.listeners.get(name) ?? []).filter((l) => l !== listener),
      );
    };
  }

  names(): string[] {
    return [...this.specs.keys()];
  }

  /** Every variable's current value, by name (the engine snapshot holds them). */
  snapshot(): [name: string, value: unknown][] {
    return this.names().map((name) => [name, this.values[name] ?? null]);
  }

  /** Puts back snapshotted values of variables defined here, notifying no listener. */
  restore(values: readonly (readonly [string, unknown])[]): void {
    for (const [name, value] of values) if (this.specs.has(name)) this.values[name] = value;
  }

  private require(name: string): VariableSpec {
    const spec = this.specs.get(name);
    if (spec !== undefined) return spec;
    const known = [...this.specs.keys()];
    throw new WeirError(
      'runtime/unknown-variable',
      `No variable named '${name}'${known.length === 0 ? ' (declare one with create variable)' : ` (known: ${known.join(', ')})`}`,
    );
  }
}

function checkValue(spec: VariableSpec, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const ok =
    spec.type === 'any' ||
    (spec.type === 'string' && typeof value === 'string') ||
    (spec.type === 'boolean' && typeof value === 'boolean') ||
    (spec.type === 'double' && typeof value === 'number') ||
    ((spec.type === 'int' || spec.type === 'long') && typeof value === 'number' && Number.isInteger(value));
  if (!ok) {
    throw new WeirError(
      'runtime/invalid-value',
      `Variable '${spec.name}' is ${spec.type}: cannot set it to ${JSON.stringify(value)}`,
    );
  }
  return value;
}
