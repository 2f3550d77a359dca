/**
 * The lookup plan of an `on` statement against a named window or table (Esper's
 * SubordinateQueryPlanner), from its where clause over the combined row:
 * - `w.p = <expr reading the trigger>` (either side) is a hash key on p; a later equality on
 *   the same column replaces the expression, keeping its place (Esper's LinkedHashMap);
 * - `w.p < | <= | > | >= <expr reading the trigger>` is a btree range on p (a lower and an
 *   upper bound on the same column merge into one range), `w.p between a and b` too;
 * - comparisons with constants or variables only, `<>`, `or`, and expressions on w.p do
 *   not take part (Esper requires the other side to read the trigger).
 * An index is then chosen as Esper does: an existing one with exactly these columns (unique
 * first), else an existing one whose columns are a subset (unique first, then the fewest
 * hash columns), else a new implicit index on all of them, which later statements share. A
 * where clause naming every column of a unique key (a `#unique` window's keys, a table's
 * primary key) plans a unique index on those columns alone. Candidates are always checked
 * against the whole where clause.
 */
import type { BoundExpr, CompareOp } from '../expr/bound-expr.js';
import { forEachExpr } from '../expr/map-expr.js';
import { splitConjuncts } from '../expr/simplify-expr.js';
import type { IndexDef } from '../plan/infra-defs.js';
import type { LookupPlan, RangeKey } from '../plan/lookup-plan.js';

/** What is looked up: a window's or a table's rows, under `alias` in the combined row. */
export interface LookupTarget {
  readonly name: string;
  readonly alias: string;
  /** Existing indexes, in declaration order (explicit and planned). */
  readonly indexes: readonly IndexDef[];
  /** Columns whose values identify a row (unique window keys, table primary key). */
  readonly uniqueKeys: readonly string[] | undefined;
  /** Declares a planned index so later statements share it (undefined: tables, which plan none). */
  readonly declareIndex: ((def: IndexDef) => void) | undefined;
}

/** The target column `w.p` an expression is, if it is one. */
function targetColumn(e: BoundExpr, alias: string): string | undefined {
  if (e.kind !== 'Prop' || e.path.length !== 2 || e.path[0] !== alias) return undefined;
  const column = e.path[1];
  return typeof column === 'string' ? column : undefined;
}

/** Whether `e` reads the trigger and not the target (Esper's "requires stream 1 only"). */
function readsTriggerOnly(e: BoundExpr, alias: string): boolean {
  let trigger = false;
  let target = false;
  forEachExpr(e, (x) => {
    if (x.kind === 'Prop' || x.kind === 'TagProp') {
      if (x.kind === 'Prop' && x.path[0] === alias) target = true;
      else trigger = true;
    }
    if (x.kind === 'AggRef' || x.kind === 'PrevRef' || x.kind === 'PriorRef') target = true;
  });
  return trigger && !target;
}

const REVERSED: Record<'<' | '<=' | '>' | '>=', '<' | '<=' | '>' | '>='> = {
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

function isRelop(op: CompareOp): op is '<' | '<=' | '>' | '>=' {
  return op === '<' || op === '<=' || op === '>' || op === '>=';
}

/** A lower and an upper bound on one column make one range (Esper's QueryGraphRangeUtil). */
function consolidate(
  a: Extract<RangeKey, { kind: 'relop' }>,
  b: Extract<RangeKey, { kind: 'relop' }>,
): RangeKey | undefined {
  const lower = (r: typeof a) => r.op === '>' || r.op === '>=';
  if (lower(a) === lower(b)) return undefined;
  const [lo, hi] = lower(a) ? [a, b] : [b, a];
  return {
    kind: 'range',
    low: lo.value,
    lowInclusive: lo.op === '>=',
    high: hi.value,
    highInclusive: hi.op === '<=',
    allowReverse: false,
  };
}

interface Keys {
  readonly hash: Map<string, BoundExpr>;
  readonly ranges: Map<string, RangeKey>;
}

function keysOf(where: BoundExpr | undefined, alias: string): Keys {
  const hash = new Map<string, BoundExpr>();
  const ranges = new Map<string, RangeKey>();
  if (where === undefined) return { hash, ranges };
  const addRange = (column: string, range: RangeKey) => {
    const existing = ranges.get(column);
    if (existing === undefined) ranges.set(column, range);
    else if (existing.kind === 'relop' && range.kind === 'relop') {
      const merged = consolidate(existing, range);
      if (merged !== undefined) ranges.set(column, merged);
    }
  };
  for (const c of splitConjuncts(where)) {
    if (c.kind === 'Compare') {
      const leftCol = targetColumn(c.left, alias);
      const rightCol = targetColumn(c.right, alias);
      const [column, other, op] =
        leftCol !== undefined && readsTriggerOnly(c.right, alias)
          ? [leftCol, c.right, c.op]
          : rightCol !== undefined && readsTriggerOnly(c.left, alias)
            ? [rightCol, c.left, isRelop(c.op) ? REVERSED[c.op] : c.op]
            : [undefined, undefined, undefined];
      if (column === undefined || other === undefined) continue;
      if (op === '=') hash.set(column, other);
      else if (op !== undefined && isRelop(op)) addRange(column, { kind: 'relop', op, value: other });
      continue;
    }
    if (c.kind === 'Range' && !c.negated) {
      const column = targetColumn(c.operand, alias);
      if (column === undefined || !readsTriggerOnly(c.low, alias) || !readsTriggerOnly(c.high, alias))
        continue;
      addRange(column, {
        kind: 'range',
        low: c.low,
        lowInclusive: true,
        high: c.high,
        highInclusive: true,
        allowReverse: true,
      });
    }
  }
  return { hash, ranges };
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c) => b.includes(c));
}

function covers(index: IndexDef, keys: Keys): boolean {
  return index.hash.every((c) => keys.hash.has(c)) && index.btree.every((c) => keys.ranges.has(c));
}

function chooseIndex(target: LookupTarget, keys: Keys): IndexDef | undefined {
  const hash = [...keys.hash.keys()];
  const btree = [...keys.ranges.keys()];
  const exact = (unique: boolean) =>
    target.indexes.find(
      (i) => i.unique === unique && sameColumns(i.hash, hash) && sameColumns(i.btree, btree),
    );
  const found = exact(true) ?? exact(false);
  if (found !== undefined) return found;
  const candidates = target.indexes.filter((i) => covers(i, keys));
  const uniques = candidates.filter((i) => i.unique);
  const pool = uniques.length > 0 ? uniques : candidates;
  if (pool.length > 0) {
    // Esper sorts by hash column count, fewest first (stable: declaration order breaks ties).
    return [...pool].sort((a, b) => a.hash.length - b.hash.length)[0];
  }
  if (target.declareIndex === undefined) return undefined;
  const uniqueKeys = target.uniqueKeys;
  const planned: IndexDef =
    uniqueKeys !== undefined && uniqueKeys.length > 0 && uniqueKeys.every((k) => keys.hash.has(k))
      ? { name: '', window: target.name, unique: true, hash: [...uniqueKeys], btree: [], explicit: false }
      : { name: '', window: target.name, unique: false, hash, btree, explicit: false };
  // A unique plan on the key columns may already exist under that shape.
  const existing = target.indexes.find(
    (i) =>
      i.unique === planned.unique && sameColumns(i.hash, planned.hash) && sameColumns(i.btree, planned.btree),
  );
  if (existing !== undefined) return existing;
  const named: IndexDef = {
    ...planned,
    name: `${target.name}(${[...planned.hash.map((c) => `${c} hash`), ...planned.btree.map((c) => `${c} btree`)].join(', ')})`,
  };
  target.declareIndex(named);
  return named;
}

export function planLookup(where: BoundExpr | undefined, target: LookupTarget): LookupPlan {
  const keys = keysOf(where, target.alias);
  if (keys.hash.size === 0 && keys.ranges.size === 0) {
    return { index: undefined, hashKeys: [], ranges: [], filter: where };
  }
  const index = chooseIndex(target, keys);
  if (index === undefined) return { index: undefined, hashKeys: [], ranges: [], filter: where };
  return {
    index,
    hashKeys: index.hash.map((c) => keys.hash.get(c) as BoundExpr),
    ranges: index.btree.map((c) => keys.ranges.get(c) as RangeKey),
    filter: where,
  };
}
