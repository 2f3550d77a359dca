/**
 * The EPL grammar as Chevrotain records it, saved as data so a start can skip the recording.
 *
 * Building a Chevrotain parser runs every rule once in a "recording" mode to learn the
 * grammar's structure (its GAST: rules, alternatives, options, repetitions, terminals): most
 * of the parser's construction, at each `weir run` start. The structure depends on the
 * grammar's code only, so the built bin records it once at build time (build/bundle-cli.mjs
 * writes grammar.json next to the bundle) and each start rebuilds the same GAST from that
 * data (`useRecordedGrammar` before the first parse) instead of recording it. Nothing else in
 * the parser's construction changes: resolving, lookahead and parsing run as before on the
 * same structure, so every parse and every error is the recorded grammar's
 * (test/parser/recorded-grammar.test.ts compares the two node by node and parse by parse).
 *
 * The data is generic: each node is its GAST class, its own properties in order (token
 * types by name) and its children, so a property Chevrotain adds later is carried as it is.
 * Nodes are rebuilt without their constructors (which copy options through lodash, as slow
 * as recording): an object of the class's prototype given the same own properties.
 */
import {
  Alternation,
  Alternative,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
  Rule,
  Terminal,
  type TokenType,
} from 'chevrotain';
import { type RecordedLookahead, recordLookahead } from './recorded-lookahead.js';

/** One GAST node: its class, its own properties (children under `_definition`), in order. */
export interface RecordedNode {
  readonly kind: string;
  readonly props: readonly (readonly [string, RecordedValue])[];
}

type RecordedValue = string | number | boolean | { readonly token: string } | readonly RecordedNode[];

/** The recorded grammar: every rule's GAST, by rule name, and its decisions' lookahead paths. */
export interface RecordedGrammar {
  readonly rules: Readonly<Record<string, RecordedNode>>;
  /** recorded-lookahead.ts (absent: every decision's paths are computed as it is reached). */
  readonly lookahead?: RecordedLookahead;
}

const CLASSES: Readonly<Record<string, { prototype: object }>> = {
  Rule,
  NonTerminal,
  Alternative,
  Option,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  Repetition,
  RepetitionWithSeparator,
  Alternation,
  Terminal,
};

function isTokenType(value: unknown): value is TokenType {
  return typeof value === 'object' && value !== null && 'tokenTypeIdx' in value && 'name' in value;
}

function classOf(node: object): string {
  for (const [name, cls] of Object.entries(CLASSES))
    if (Object.getPrototypeOf(node) === cls.prototype) return name;
  throw new Error(`recorded grammar: unknown GAST node ${node.constructor.name}`);
}

function recordNode(node: object): RecordedNode {
  const kind = classOf(node);
  const props: [string, RecordedValue][] = [];
  for (const [key, value] of Object.entries(node)) {
    // The link to a subrule's Rule is set by Chevrotain's resolver after recording.
    if (key === 'referencedRule') continue;
    if (key === '_definition') props.push([key, (value as object[]).map(recordNode)]);
    else if (isTokenType(value)) props.push([key, { token: value.name }]);
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      props.push([key, value]);
    else throw new Error(`recorded grammar: ${kind}.${key} is not data`);
  }
  return { kind, props };
}

/**
 * A parser's GAST (getGAstProductions) as data, and with `maxLookahead` (the parser's) the
 * lookahead paths of its decisions.
 */
export function recordGrammarOf(
  productions: Readonly<Record<string, Rule>>,
  maxLookahead?: number,
): RecordedGrammar {
  const rules: Record<string, RecordedNode> = {};
  for (const [name, rule] of Object.entries(productions)) rules[name] = recordNode(rule);
  return maxLookahead === undefined
    ? { rules }
    : { rules, lookahead: recordLookahead(Object.values(productions), maxLookahead) };
}

function rebuildNode(node: RecordedNode, tokens: ReadonlyMap<string, TokenType>): object {
  const cls = CLASSES[node.kind];
  if (cls === undefined) throw new Error(`recorded grammar: unknown GAST node ${node.kind}`);
  const built = Object.create(cls.prototype) as Record<string, unknown>;
  for (const [key, value] of node.props) {
    if (Array.isArray(value)) built[key] = value.map((child: RecordedNode) => rebuildNode(child, tokens));
    else if (typeof value === 'object') {
      const token = tokens.get((value as { token: string }).token);
      if (token === undefined) throw new Error(`recorded grammar: unknown token ${JSON.stringify(value)}`);
      built[key] = token;
    } else built[key] = value;
  }
  return built;
}

/** The GAST of every rule, rebuilt from the data with the parser's own token types. */
export function rebuildGrammar(
  recorded: RecordedGrammar,
  tokens: readonly TokenType[],
): Record<string, Rule> {
  const byName = new Map(tokens.map((t) => [t.name, t]));
  const rules: Record<string, Rule> = {};
  for (const [name, node] of Object.entries(recorded.rules)) {
    if (node.kind !== 'Rule') throw new Error(`recorded grammar: rule ${name} is a ${node.kind}`);
    rules[name] = rebuildNode(node, byName) as Rule;
  }
  return rules;
}
