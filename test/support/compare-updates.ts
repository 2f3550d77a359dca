/**
 * Compares listener calls in the golden line format: per statement, in order; rows inside
 * one call as a multiset (unless the query orders them); numbers with relative tolerance
 * 1e-9; "NaN"/"Infinity" strings equal the non-finite numbers they encode.
 */
export interface UpdateLine {
  readonly stmt: string;
  readonly time: number;
  readonly new: Record<string, unknown>[] | null;
  readonly old: Record<string, unknown>[] | null;
}

function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined && (typeof a === 'number' || typeof b === 'number')) {
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
    if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y;
    return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y), 1e-300) || x === y;
  }
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => valuesEqual(v, b[i]));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object')
    return rowsEqual(a as Record<string, unknown>, b as Record<string, unknown>);
  return a === b;
}

export function rowsEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (!valuesEqual(a[k] ?? null, b[k] ?? null)) return false;
  return true;
}

function sidesEqual(
  a: Record<string, unknown>[] | null,
  b: Record<string, unknown>[] | null,
  ordered: boolean,
): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  if (ordered) return a.every((row, i) => rowsEqual(row, b[i] as Record<string, unknown>));
  const unused = [...b];
  for (const row of a) {
    const i = unused.findIndex((other) => rowsEqual(row, other));
    if (i < 0) return false;
    unused.splice(i, 1);
  }
  return true;
}

function byStatement(lines: readonly UpdateLine[]): Map<string, UpdateLine[]> {
  const map = new Map<string, UpdateLine[]>();
  for (const line of lines) {
    const list = map.get(line.stmt) ?? [];
    list.push(line);
    map.set(line.stmt, list);
  }
  return map;
}

/** undefined when equal, else a readable description of the first difference. */
export function compareUpdates(
  actual: readonly UpdateLine[],
  expected: readonly UpdateLine[],
  ordered = false,
): string | undefined {
  const a = byStatement(actual);
  const e = byStatement(expected);
  for (const stmt of new Set([...a.keys(), ...e.keys()])) {
    const as = a.get(stmt) ?? [];
    const es = e.get(stmt) ?? [];
    for (let i = 0; i < Math.max(as.length, es.length); i++) {
      const x = as[i];
      const y = es[i];
      if (x === undefined || y === undefined) {
        return `statement '${stmt}': ${as.length} calls, expected ${es.length}; first unmatched expected call #${i + 1}: ${JSON.stringify(y ?? null)}; actual: ${JSON.stringify(x ?? null)}`;
      }
      if (x.time !== y.time || !sidesEqual(x.new, y.new, ordered) || !sidesEqual(x.old, y.old, ordered)) {
        return `statement '${stmt}', call #${i + 1}:\n  expected ${JSON.stringify(y)}\n  actual   ${JSON.stringify(x)}`;
      }
    }
  }
  return undefined;
}

export function parseLines(text: string): UpdateLine[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as UpdateLine);
}
