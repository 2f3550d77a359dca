/**
 * The grammar's lookahead paths, recorded at build time as data.
 *
 * For each decision of the grammar (an alternation, an option, a repetition), Chevrotain
 * computes its LL(k) lookahead paths from the grammar's structure: per alternative, the
 * token sequences (at most k tokens) that choose it. Computing them is most of a query's
 * first parse (~15–25 ms at each `weir run` start for the decisions a query reaches); the
 * paths depend on the grammar only, so the build records all of them next to the recorded
 * GAST (recorded-grammar.ts) and each start builds a decision's function from its recorded
 * paths the first time the parser reaches it, instead of computing them.
 *
 * The functions decide exactly as Chevrotain's built from the same paths
 * (buildAlternativesLookAheadFunc, buildSingleAlternativeLookaheadFunction): the first
 * alternative, among those whose gate (if any) allows it, with a path whose every token
 * matches the next tokens (a token matches its own type and the categories it belongs to);
 * an option, a repetition, is entered when one of its paths matches.
 * test/parser/recorded-grammar.test.ts parses every query of the project and broken variants
 * with both.
 */
import {
  Alternation,
  type IToken,
  type LookaheadProductionType,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
  type Rule,
  type TokenType,
  getLookaheadPaths,
  tokenMatcher,
} from 'chevrotain';

/** Paths by decision (decisionKey), each token by name: per alternative, its token sequences. */
export type RecordedLookahead = Readonly<Record<string, readonly (readonly (readonly string[])[])[]>>;

/** A decision's paths: per alternative (an option has one), the token sequences that choose it. */
type Paths = readonly (readonly (readonly TokenType[])[])[];

/** The kinds of decision, by the name Chevrotain gives their productions (prodType). */
const DECISIONS: readonly (readonly [LookaheadProductionType, abstract new (...args: never[]) => object])[] =
  [
    ['Alternation', Alternation],
    ['Option', Option],
    ['Repetition', Repetition],
    ['RepetitionMandatory', RepetitionMandatory],
    ['RepetitionMandatoryWithSeparator', RepetitionMandatoryWithSeparator],
    ['RepetitionWithSeparator', RepetitionWithSeparator],
  ];

/** The key of one decision: its rule, kind, occurrence index and lookahead depth. */
export function decisionKey(rule: string, kind: string, occurrence: number, maxLookahead: number): string {
  return `${rule} ${kind} ${occurrence} ${maxLookahead}`;
}

interface Decision {
  readonly kind: LookaheadProductionType;
  readonly idx: number;
  readonly maxLookahead?: number;
}

/** Every decision of a rule (not those of the rules it refers to). */
function decisionsOf(node: object, found: Decision[] = []): Decision[] {
  const kind = DECISIONS.find(([, cls]) => node instanceof cls)?.[0];
  if (kind !== undefined) found.push({ ...(node as Omit<Decision, 'kind'>), kind });
  // A NonTerminal's definition is the referenced rule's: its decisions are that rule's own.
  if (node instanceof NonTerminal) return found;
  for (const child of (node as { definition?: object[] }).definition ?? []) decisionsOf(child, found);
  return found;
}

/**
 * The lookahead paths of every decision of a built parser's grammar (its GAST, resolved), as
 * Chevrotain computes them with `maxLookahead` where a production sets none.
 */
export function recordLookahead(rules: readonly Rule[], maxLookahead: number): RecordedLookahead {
  const recorded: Record<string, string[][][]> = {};
  for (const rule of rules) {
    for (const d of decisionsOf(rule)) {
      const k = d.maxLookahead || maxLookahead;
      const paths = getLookaheadPaths({ occurrence: d.idx, rule, prodType: d.kind, maxLookahead: k });
      // An option's function uses the paths into it (the second "alternative" is what follows it).
      const used = d.kind === 'Alternation' ? paths : paths.slice(0, 1);
      recorded[decisionKey(rule.name, d.kind, d.idx, k)] = used.map((alt) =>
        alt.map((path) => path.map((token) => token.name)),
      );
    }
  }
  return recorded;
}

/** The parser's side of a lookahead function: Chevrotain's unchecked LA (EOF sentinels pad the input). */
interface Lookahead {
  LA_FAST(howMuch: number): IToken;
}

function anyPathMatches(parser: Lookahead, paths: readonly (readonly TokenType[])[]): boolean {
  next: for (let j = 0; j < paths.length; j++) {
    const path = paths[j] as readonly TokenType[];
    for (let i = 0; i < path.length; i++)
      if (!tokenMatcher(parser.LA_FAST(i + 1), path[i] as TokenType)) continue next;
    return true;
  }
  return false;
}

export type AlternationLookahead = (
  this: Lookahead,
  alternatives?: readonly { GATE?: () => boolean }[],
) => number | undefined;
export type OptionalLookahead = (this: Lookahead) => boolean;

function alternationFunction(alternatives: Paths, hasPredicates: boolean): AlternationLookahead {
  return function (this: Lookahead, gated) {
    for (let t = 0; t < alternatives.length; t++) {
      if (hasPredicates) {
        const gate = gated?.[t]?.GATE;
        if (gate !== undefined && gate.call(this) === false) continue;
      }
      if (anyPathMatches(this, alternatives[t] as Paths[number])) return t;
    }
    return undefined;
  };
}

function optionalFunction(paths: Paths[number]): OptionalLookahead {
  return function (this: Lookahead) {
    return anyPathMatches(this, paths);
  };
}

/** The recorded lookahead, its token names resolved against the parser's token types as a decision is first built. */
export class LookaheadFunctions {
  private readonly tokens: ReadonlyMap<string, TokenType>;

  constructor(
    private readonly recorded: RecordedLookahead,
    tokens: readonly TokenType[],
  ) {
    this.tokens = new Map(tokens.map((t) => [t.name, t]));
  }

  private paths(key: string): Paths | undefined {
    const names = Object.hasOwn(this.recorded, key) ? this.recorded[key] : undefined;
    if (names === undefined) return undefined;
    return names.map((alt) =>
      alt.map((path) =>
        path.map((name) => {
          const token = this.tokens.get(name);
          if (token === undefined) throw new Error(`recorded lookahead: unknown token ${name}`);
          return token;
        }),
      ),
    );
  }

  /** An alternation's function, or undefined when its paths were not recorded. */
  alternation(key: string, hasPredicates: boolean): AlternationLookahead | undefined {
    const paths = this.paths(key);
    return paths === undefined ? undefined : alternationFunction(paths, hasPredicates);
  }

  /** An option's or repetition's function, or undefined when its paths were not recorded. */
  optional(key: string): OptionalLookahead | undefined {
    const paths = this.paths(key);
    return paths === undefined || paths.length !== 1
      ? undefined
      : optionalFunction(paths[0] as Paths[number]);
  }
}
