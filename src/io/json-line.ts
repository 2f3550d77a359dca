/**
 * JSON for output lines. JSON has no Infinity or NaN, and JSON.stringify would silently
 * write them as null (indistinguishable from a real null), so they are spelled as the
 * strings "Infinity", "-Infinity", "NaN" (the golden format, DESIGN.md §5).
 *
 * JSON.stringify with a replacer function is several times slower than without one, so the
 * replacer is used only for values that hold a non-finite number (rare): JSON.stringify writes
 * those as null, so only output containing "null" is searched for them.
 */
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** Whether `value` holds a non-finite number anywhere (arrays and plain objects are searched). */
export function hasNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (const v of value) if (hasNonFinite(v)) return true;
    return false;
  }
  for (const k in value) {
    if (hasNonFinite((value as Record<string, unknown>)[k])) return true;
  }
  return false;
}

export function toJson(value: unknown): string {
  const text = JSON.stringify(value);
  // A non-finite number comes out as null, so text without "null" cannot hold one.
  return text.includes('null') && hasNonFinite(value) ? JSON.stringify(value, replacer) : text;
}
