/** Exhaustiveness check for discriminated-union switches: a new kind becomes a compile error here. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
