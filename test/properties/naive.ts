/** Naive, from-scratch reference computations the property tests compare against. */

export type Value = number | null;

function nonNull(values: readonly Value[]): number[] {
  return values.filter((v): v is number => v !== null);
}

export function naiveAggregate(fn: string, values: readonly Value[], distinct = false): unknown {
  let xs = nonNull(values);
  if (distinct) xs = [...new Set(xs)];
  const n = xs.length;
  const sum = xs.reduce((a, b) => a + b, 0);
  switch (fn) {
    case 'countall':
      return values.length;
    case 'count':
      return n;
    case 'sum':
      return n === 0 ? null : sum;
    case 'avg':
      return n === 0 ? null : sum / n;
    case 'min':
      return n === 0 ? null : Math.min(...xs);
    case 'max':
      return n === 0 ? null : Math.max(...xs);
    case 'median': {
      if (n === 0) return null;
      const s = [...xs].sort((a, b) => a - b);
      return n % 2 === 1 ? s[(n - 1) / 2] : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
    }
    case 'stddev': {
      if (n < 2) return null;
      const mean = sum / n;
      return Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
    }
    case 'avedev': {
      if (n === 0) return null;
      const mean = sum / n;
      return xs.reduce((a, x) => a + Math.abs(x - mean), 0) / n;
    }
    case 'first':
      return values.length === 0 ? null : values[0];
    case 'last':
      return values.length === 0 ? null : values[values.length - 1];
    default:
      throw new Error(`no naive ${fn}`);
  }
}

export function close(a: unknown, b: unknown, tolerance = 1e-9): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
  }
  return a === b;
}
