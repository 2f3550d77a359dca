/** JSON for output lines: non-finite numbers become the strings "Infinity", "-Infinity", "NaN". */
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

export function toJsonLine(value: unknown): string {
  return JSON.stringify(value, replacer);
}
