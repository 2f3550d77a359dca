/**
 * "Did you mean": the known name closest to a misspelt one, by edit distance ignoring case,
 * when it is close enough to be a plausible typo (at most a third of the name's letters, and
 * at least one, differ). Used for unknown windows, options, types and properties.
 */

/** Levenshtein distance (insertions, deletions, substitutions), one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(
        Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + cost),
      );
    }
    previous = row;
  }
  return previous[b.length] as number;
}

export function closestName(name: string, known: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = editDistance(wanted, candidate.toLowerCase());
    // d < length: a one-letter name is never "close" to another one-letter name.
    if (d <= limit && d < wanted.length && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** ` (did you mean 'x'?)`, or '' when nothing is close. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const near = closestName(name, known);
  return near === undefined ? '' : ` (did you mean '${near}'?)`;
}
