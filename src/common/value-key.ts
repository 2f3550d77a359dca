/**
 * String keys for values (group-by keys, distinct rows, unique-window keys, compiled-code
 * caches). JSON.stringify writes NaN, Infinity and -Infinity as `null`, so `group by x` put
 * NaN, Infinity and null in one group and the compiled-expression cache gave `1/0` the code
 * of `null`: here non-finite numbers get keys of their own. JSON.stringify stays the fast
 * path: a non-finite number can only hide in output that contains "null".
 */

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? { $number: String(value) } : value;
}

/** Also distinguishes -0 from 0: for code, where `-0` and `0` compile differently (1 / -0). */
function exactReplacer(key: string, value: unknown): unknown {
  return Object.is(value, -0) ? { $number: '-0' } : replacer(key, value);
}

function hasNonFinite(value: unknown, depth = 0): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (typeof value !== 'object' || value === null || depth > 64) return false;
  for (const v of Object.values(value)) if (hasNonFinite(v, depth + 1)) return true;
  return false;
}

/** A key equal for equal values, with NaN, Infinity, -Infinity and null all distinct. */
export function valueKey(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.includes('null') && hasNonFinite(value) ? JSON.stringify(value, replacer) : text;
}

/** For structures (expression trees) where -0 and 0 differ too; not for per-event keys. */
export function exactKey(value: unknown): string {
  return JSON.stringify(value, exactReplacer);
}
