/**
 * The events a pattern instance has matched so far: tag → event, or tag → array of events
 * for tags inside a repetition. Esper's `MatchedEventMap`: mutable, copied shallowly where
 * Esper copies it, shared where Esper shares it (see state-node.ts).
 */
export type MatchState = Record<string, unknown>;

export function copyMatch(m: MatchState): MatchState {
  return { ...m };
}

/** Sets every tag the other record has (non-null) on `target`. */
export function mergeMatch(target: MatchState, other: MatchState): void {
  for (const tag in other) {
    const v = other[tag];
    if (v !== null && v !== undefined) target[tag] = v;
  }
}
