/**
 * Compares listener calls in the golden line format (DESIGN.md §5): per statement, in order;
 * rows inside one call as a multiset unless the query orders them (`order by`); numbers
 * with relative tolerance 1e-9; the strings "NaN", "Infinity", "-Infinity" equal the
 * non-finite numbers they encode (JSON cannot hold those numbers, so the writer spells them).
 *
 * Calls of different statements may interleave differently (Esper does not order listeners
 * of different statements within one step), so only the order within a statement counts.
 */
type Values = Record<string, unknown>;

export interface UpdateLine {
  readonly stmt: string;
  readonly time: number;
  readonly new: Values[] | null;
  readonly old: Values[] | null;
  /** 1-based line in the text it was parsed from (for reports). */
  readonly lineNo?: number;
}

const RELATIVE_TOLERANCE = 1e-9;

function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}

function numbersEqual(x: number, y: number): boolean {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (x === y) return true;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  return Math.abs(x - y) <= RELATIVE_TOLERANCE * Math.max(Math.abs(x), Math.abs(y));
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  // A string such as "NaN" only counts as a number when the other side is a real number.
  if (typeof a === 'number' || typeof b === 'number') {
    const x = numeric(a);
    const y = numeric(b);
    return x !== undefined && y !== undefined && numbersEqual(x, y);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => valuesEqual(v, b[i]))
    );
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    return rowsEqual(a as Values, b as Values);
  }
  return a === b;
}

/** Same keys (in any order) with equal values: a missing column is not the same as a null one. */
export function rowsEqual(a: Values, b: Values): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) {
    if (!Object.hasOwn(b, k) || !valuesEqual(a[k], b[k])) return false;
  }
  return true;
}

/** undefined when equal, else what differs. */
function compareSide(
  actual: Values[] | null,
  expected: Values[] | null,
  side: 'new' | 'old',
  ordered: boolean,
): string | undefined {
  if (actual === null || expected === null) {
    return actual === expected
      ? undefined
      : `${side}: expected ${expected === null ? 'null' : `${expected.length} row(s)`}, got ${actual === null ? 'null' : `${actual.length} row(s)`}`;
  }
  if (actual.length !== expected.length) {
    return `${side}: expected ${expected.length} row(s), got ${actual.length}`;
  }
  if (ordered) {
    for (let i = 0; i < expected.length; i++) {
      // valuesEqual: Esper's snapshot of a simple statement with having posts null rows.
      if (!valuesEqual(actual[i], expected[i])) {
        return `${side}[${i}] (ordered): expected ${JSON.stringify(expected[i])}, got ${JSON.stringify(actual[i])}`;
      }
    }
    return undefined;
  }
  const unused = [...actual];
  for (const row of expected) {
    const i = unused.findIndex((other) => valuesEqual(other, row));
    if (i < 0) return `${side}: expected row ${JSON.stringify(row)} is missing`;
    unused.splice(i, 1);
  }
  return undefined;
}

function byStatement(lines: readonly UpdateLine[]): Map<string, UpdateLine[]> {
  const map = new Map<string, UpdateLine[]>();
  for (const line of lines) {
    const list = map.get(line.stmt);
    if (list === undefined) map.set(line.stmt, [line]);
    else list.push(line);
  }
  return map;
}

function where(line: UpdateLine | undefined, label: string): string {
  if (line === undefined) return `${label}: (none)`;
  const { lineNo, ...call } = line;
  return `${label}${lineNo === undefined ? '' : ` line ${lineNo}`}: ${JSON.stringify(call)}`;
}

/**
 * undefined when equal, else a readable description of the first difference: the
 * statement, the call number within it, the line numbers on both sides and what differs.
 * Statements are checked in order of first appearance in `expected`, then `actual`.
 */
export function compareUpdates(
  actual: readonly UpdateLine[],
  expected: readonly UpdateLine[],
  ordered = false,
): string | undefined {
  const a = byStatement(actual);
  const e = byStatement(expected);
  for (const stmt of new Set([...e.keys(), ...a.keys()])) {
    const as = a.get(stmt) ?? [];
    const es = e.get(stmt) ?? [];
    for (let i = 0; i < Math.max(as.length, es.length); i++) {
      const x = as[i];
      const y = es[i];
      let what: string | undefined;
      if (x === undefined || y === undefined) {
        what = `${as.length} call(s), expected ${es.length}`;
      } else if (x.time !== y.time) {
        what = `time: expected ${y.time}, got ${x.time}`;
      } else {
        what = compareSide(x.new, y.new, 'new', ordered) ?? compareSide(x.old, y.old, 'old', ordered);
      }
      if (what !== undefined) {
        return `statement '${stmt}', call #${i + 1}: ${what}\n  ${where(y, 'expected')}\n  ${where(x, 'actual  ')}`;
      }
    }
  }
  return undefined;
}

/** Parses golden lines, keeping each call's 1-based line number; blank lines are skipped. */
export function parseLines(text: string): UpdateLine[] {
  const result: UpdateLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.trim() === '') continue;
    let value: UpdateLine;
    try {
      value = JSON.parse(l) as UpdateLine;
    } catch (err) {
      throw new Error(`line ${i + 1}: not JSON (${(err as Error).message}): ${l}`);
    }
    result.push({ ...value, lineNo: i + 1 });
  }
  return result;
}
