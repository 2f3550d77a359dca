/**
 * Row pattern → Esper's match_recognize NFA (RowRecogPatternExpandUtil, RowRecogHelper).
 *
 * First the pattern is expanded: a repeat `{n}`, `{n,}`, `{,m}`, `{n,m}` becomes that many
 * copies of its variable or group (the optional copies turned into `?` or `*`). Then every
 * variable occurrence becomes one state; a state lists the states that may follow it (itself
 * first for `*` and `+`), and the end of the pattern is `END`. Every live thread follows every
 * next state: greediness decides nothing while matching, only which of several matches that
 * begin at the same row is posted (each state counts the rows it consumed greedily).
 *
 * Esper quirks kept as they are: a variable that occurs twice (`A{2}`, `A B A`) holds several
 * rows like one under `*`; an atom under `+` is built with its greedy flag and its "define asks
 * for multi-match rows" flag swapped, so a `+` state is ranked as reluctant (or as greedy when
 * its define reads a multi-row variable) and counts no greedy rows.
 */
import type { Quantifier, RepeatBounds, RowPattern } from '../../ast/ast.js';
import { assertNever } from '../../common/assert-never.js';
import { WeirError } from '../../common/errors.js';
import type { Span } from '../../common/span.js';

/** The next-state value meaning "the pattern is complete". */
export const END = -1;

/** Largest expanded pattern accepted. Esper expands repeats into copies, and each optional copy
 * links to every copy after it (edges grow with the square of the bound), so a huge bound is
 * refused before anything is built. */
export const MAX_NFA_STATES = 1000;

/** Largest repeat bound (Esper's bounds are Java ints). */
const MAX_BOUND = 2_147_483_647;

type AtomType = 'single' | 'zeroToMany' | 'oneToMany' | 'oneOptional';

interface XType {
  readonly type: AtomType;
  readonly reluctant: boolean;
}

/** The expanded pattern (Esper's RowRecogExprNode after expansion). */
type XNode =
  | { readonly kind: 'atom'; readonly tag: string; readonly t: XType }
  | { readonly kind: 'nested'; readonly t: XType; readonly child: XNode }
  | { readonly kind: 'concat'; readonly children: readonly XNode[] }
  | { readonly kind: 'alt'; readonly children: readonly XNode[] };

export interface NfaState {
  /** Position in `states` (Esper's flat node number). */
  readonly index: number;
  readonly variable: string;
  /** The variable's slot among the thread's events (singles first, then multi-row variables). */
  readonly stream: number;
  /** Whether the variable may hold several rows. */
  readonly multiple: boolean;
  /** Ranking role: true greedy, false reluctant, null (a single variable) none. */
  readonly greedy: boolean | null;
  /** Whether the state's define reads a visible multi-row variable. */
  readonly defineReadsMulti: boolean;
  readonly next: readonly number[];
}

export interface Nfa {
  readonly states: readonly NfaState[];
  readonly start: readonly number[];
  /** Variables holding one row, then variables holding several, in slot order. */
  readonly singles: readonly string[];
  readonly multiples: readonly string[];
  /** Per variable, the variables before it whose rows its define may read. */
  readonly visibility: ReadonlyMap<string, ReadonlySet<string>>;
}

const multipleMatches = (t: AtomType) => t === 'zeroToMany' || t === 'oneToMany';
const optional = (t: AtomType) => t === 'zeroToMany' || t === 'oneOptional';

function atomType(q: Quantifier | undefined): XType {
  const op = q?.op;
  const type: AtomType =
    op === '*' ? 'zeroToMany' : op === '+' ? 'oneToMany' : op === '?' ? 'oneOptional' : 'single';
  return { type, reluctant: q?.reluctant === true };
}

function bound(b: { text: string; span: Span }, min: number, max: number): number {
  const value = Number(b.text);
  if (!Number.isInteger(value) || value > MAX_BOUND) {
    throw new WeirError('analyze/invalid-argument', `Pattern quantifier '${b.text}' must be an integer`, {
      span: b.span,
    });
  }
  if (value < min || value > max) {
    throw new WeirError(
      'analyze/invalid-argument',
      `Invalid pattern quantifier value ${value}, expecting a minimum of ${min}${max === MAX_BOUND ? '' : ` and maximum of ${max}`}`,
      { span: b.span },
    );
  }
  return value;
}

/** The copies a repeat expands into: their count and type (Esper's expandRepeat). */
function repeatCopies(repeat: RepeatBounds, t: XType): XType[] {
  const same = (n: number) => Array.from({ length: n }, () => t);
  if (repeat.single) {
    const count = bound(repeat.lower as { text: string; span: Span }, 1, MAX_BOUND);
    checkSize(count, repeat.span);
    return same(count);
  }
  const asOptional = (): XType =>
    t.type === 'single'
      ? { type: 'oneOptional', reluctant: t.reluctant }
      : t.type === 'oneToMany'
        ? { type: 'zeroToMany', reluctant: t.reluctant }
        : t;
  if (repeat.lower !== undefined && repeat.upper !== undefined) {
    bound(repeat.lower, 1, MAX_BOUND);
    const upper = bound(repeat.upper, 1, MAX_BOUND);
    const lower = bound(repeat.lower, 1, upper);
    checkSize(upper, repeat.span);
    return [...same(lower), ...Array.from({ length: upper - lower }, asOptional)];
  }
  if (repeat.lower !== undefined) {
    const lower = bound(repeat.lower, 1, MAX_BOUND);
    checkSize(lower + 1, repeat.span);
    const rest: XType =
      t.type === 'single' || t.type === 'oneOptional' || t.type === 'oneToMany'
        ? { type: 'zeroToMany', reluctant: t.type === 'single' ? false : t.reluctant }
        : t;
    return [...same(lower), rest];
  }
  const upper = bound(repeat.upper as { text: string; span: Span }, 1, MAX_BOUND);
  checkSize(upper, repeat.span);
  return Array.from({ length: upper }, asOptional);
}

/** Refuses an expansion beyond MAX_NFA_STATES before building it (a bound may be huge). */
function checkSize(states: number, span: Span): void {
  if (states > MAX_NFA_STATES) {
    throw new WeirError(
      'analyze/invalid-argument',
      `This repeat expands the pattern to ${states} states; at most ${MAX_NFA_STATES} are supported (a repeat is expanded into one copy of its variable or group per repetition, as Esper does)`,
      { span },
    );
  }
}

function expandedSize(node: XNode): number {
  switch (node.kind) {
    case 'atom':
      return 1;
    case 'nested':
      return expandedSize(node.child);
    case 'concat':
    case 'alt':
      return node.children.reduce((n, c) => n + expandedSize(c), 0);
  }
}

/** The expanded nodes a pattern node stands for (several when it carries a repeat). */
function expand(p: RowPattern): XNode[] {
  switch (p.kind) {
    case 'RowVar': {
      const t = atomType(p.quantifier);
      const repeat = p.quantifier?.repeat;
      if (repeat === undefined) return [{ kind: 'atom', tag: p.name.name, t }];
      return repeatCopies(repeat, t).map((ct) => ({ kind: 'atom', tag: p.name.name, t: ct }));
    }
    case 'RowGroup': {
      const child = single(expand(p.child));
      const t = atomType(p.quantifier);
      const repeat = p.quantifier?.repeat;
      if (repeat === undefined) return [{ kind: 'nested', t, child }];
      const copies = repeatCopies(repeat, t);
      const size = expandedSize(child) * copies.length;
      if (size > MAX_NFA_STATES) checkSize(size, repeat.span);
      return copies.map((ct) => ({ kind: 'nested', t: ct, child: deepCopy(child) }));
    }
    case 'RowConcat':
      return [{ kind: 'concat', children: p.items.flatMap(expand) }];
    case 'RowAlt':
      return [{ kind: 'alt', children: p.alternatives.map((a) => single(expand(a))) }];
    default:
      return assertNever(p, 'row pattern');
  }
}

/** A fresh copy (occurrences are told apart by identity, as Esper's nodes are). */
function deepCopy(n: XNode): XNode {
  switch (n.kind) {
    case 'atom':
      return { ...n };
    case 'nested':
      return { ...n, child: deepCopy(n.child) };
    case 'concat':
    case 'alt':
      return { ...n, children: n.children.map(deepCopy) };
  }
}

/** Expanded copies standing in one child position become a concatenation. */
function single(nodes: XNode[]): XNode {
  return nodes.length === 1 ? (nodes[0] as XNode) : { kind: 'concat', children: nodes };
}

/** Esper's recursiveInspectVariables: which variables hold one row, which several. */
function inspect(node: XNode, isMultiple: boolean, singles: Set<string>, multiples: Set<string>): void {
  switch (node.kind) {
    case 'nested':
      inspect(node.child, multipleMatches(node.t.type) || isMultiple, singles, multiples);
      return;
    case 'alt': {
      for (const alt of node.children) {
        const s = new Set<string>();
        const m = new Set<string>();
        inspect(alt, isMultiple, s, m);
        for (const v of m) multiples.add(v);
        for (const v of s) singles.add(v);
      }
      for (const v of multiples) singles.delete(v);
      return;
    }
    case 'atom': {
      const name = node.tag;
      if (multiples.has(name)) return;
      if (singles.has(name)) {
        singles.delete(name);
        multiples.add(name);
        return;
      }
      if (multipleMatches(node.t.type) || isMultiple) multiples.add(name);
      else singles.add(name);
      return;
    }
    case 'concat':
      for (const c of node.children) inspect(c, isMultiple, singles, multiples);
      return;
    default:
      assertNever(node, 'expanded row pattern');
  }
}

/** Esper's determineVisibility: the variables before each occurrence in its concatenations. */
function visibility(root: XNode): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  const collect = (n: XNode, out: Set<string>, exclude: string) => {
    if (n.kind === 'atom' && n.tag !== exclude) out.add(n.tag);
    for (const c of childrenOf(n)) collect(c, out, exclude);
  };
  const visit = (node: XNode, path: XNode[]) => {
    for (const child of childrenOf(node)) {
      const here = [...path, node];
      if (child.kind !== 'atom') {
        visit(child, here);
        continue;
      }
      let ids: Set<string> | undefined;
      here.forEach((parent, i) => {
        if (parent.kind !== 'concat') return;
        const within = parent.children.indexOf(i === here.length - 1 ? child : (here[i + 1] as XNode));
        if (ids === undefined && within > 0) ids = new Set();
        for (let j = 0; j < within; j++) collect(parent.children[j] as XNode, ids as Set<string>, child.tag);
      });
      if (ids === undefined) continue;
      const existing = map.get(child.tag);
      if (existing === undefined) map.set(child.tag, ids);
      else for (const v of ids) existing.add(v);
    }
  };
  visit(root, []);
  return map;
}

function childrenOf(n: XNode): readonly XNode[] {
  return n.kind === 'atom' ? [] : n.kind === 'nested' ? [n.child] : n.children;
}

interface Strand {
  readonly starts: number[];
  readonly ends: number[];
  readonly all: number[];
  readonly passthrough: boolean;
}

interface MutableState {
  variable: string;
  type: AtomType;
  reluctant: boolean;
  next: number[];
}

/** Esper's recursiveBuildStatesInternal: strands of states, chained into the NFA. */
function buildStrand(node: XNode, states: MutableState[]): Strand {
  switch (node.kind) {
    case 'alt': {
      const parts = node.children.map((c) => buildStrand(c, states));
      return {
        starts: parts.flatMap((p) => p.starts),
        ends: parts.flatMap((p) => p.ends),
        all: parts.flatMap((p) => p.all),
        passthrough: parts.some((p) => p.passthrough),
      };
    }
    case 'concat': {
      const parts = node.children.map((c) => buildStrand(c, states));
      const starts: number[] = [];
      for (const p of parts) {
        starts.push(...p.starts);
        if (!p.passthrough) break;
      }
      const ends: number[] = [];
      for (let i = parts.length - 1; i >= 0; i--) {
        const p = parts[i] as Strand;
        ends.push(...p.ends);
        if (!p.passthrough) break;
      }
      for (let i = parts.length - 1; i >= 1; i--) {
        const current = parts[i] as Strand;
        for (let j = i - 1; j >= 0; j--) {
          const prior = parts[j] as Strand;
          for (const e of prior.ends)
            for (const s of current.starts) (states[e] as MutableState).next.push(s);
          if (!prior.passthrough) break;
        }
      }
      return {
        starts,
        ends,
        all: parts.flatMap((p) => p.all),
        passthrough: parts.every((p) => p.passthrough),
      };
    }
    case 'nested': {
      const strand = buildStrand(node.child, states);
      if (multipleMatches(node.t.type)) {
        for (const e of strand.ends) {
          const next = (states[e] as MutableState).next;
          for (const s of strand.starts) if (!next.includes(s)) next.push(s);
        }
      }
      return { ...strand, passthrough: strand.passthrough || optional(node.t.type) };
    }
    case 'atom': {
      const index = states.length;
      const state: MutableState = {
        variable: node.tag,
        type: node.t.type,
        reluctant: node.t.reluctant,
        next: [],
      };
      // `*` and `+` states loop to themselves first.
      if (multipleMatches(node.t.type)) state.next.push(index);
      states.push(state);
      return { starts: [index], ends: [index], all: [index], passthrough: optional(node.t.type) };
    }
    default:
      return assertNever(node, 'expanded row pattern');
  }
}

/**
 * Compiles a row pattern. `readsMulti(variable)` tells whether a variable's define reads a
 * visible multi-row variable (it flips the `+` quirk).
 */
export function compileRowPattern(
  pattern: RowPattern,
  readsMulti: (variable: string) => boolean = () => false,
): Nfa {
  const root = single(expand(pattern));
  const size = expandedSize(root);
  if (size > MAX_NFA_STATES) checkSize(size, pattern.span);
  const singles = new Set<string>();
  const multiples = new Set<string>();
  inspect(root, false, singles, multiples);
  const streams = new Map<string, number>();
  for (const v of [...singles, ...multiples]) streams.set(v, streams.size);
  const raw: MutableState[] = [];
  const strand = buildStrand(root, raw);
  for (const e of strand.ends) (raw[e] as MutableState).next.push(END);
  // Flat node numbers follow the strand's state order, which is creation order.
  const states: NfaState[] = raw.map((s, index) => {
    const typeGreedy = s.type === 'single' ? null : !s.reluctant;
    const reads = readsMulti(s.variable);
    return {
      index,
      variable: s.variable,
      stream: streams.get(s.variable) as number,
      multiple: multiples.has(s.variable),
      greedy: s.type === 'oneToMany' ? reads : typeGreedy,
      defineReadsMulti: s.type === 'oneToMany' ? !s.reluctant : reads,
      next: s.next,
    };
  });
  return {
    states,
    start: strand.starts,
    singles: [...singles],
    multiples: [...multiples],
    visibility: visibility(root),
  };
}

/** The variables of a row pattern, expanded, with who may see whom (for binding defines). */
export function patternVariables(pattern: RowPattern): Pick<Nfa, 'singles' | 'multiples' | 'visibility'> {
  const { singles, multiples, visibility: v } = compileRowPattern(pattern);
  return { singles, multiples, visibility: v };
}

export function describeNfa(nfa: Nfa): string {
  const name = (i: number) => (i === END ? 'end' : `s${i}`);
  return nfa.states
    .map((s) => {
      const head = `${nfa.start.includes(s.index) ? '→' : ' '}s${s.index}`;
      const role = s.greedy === null ? '' : s.greedy ? ' greedy' : ' reluctant';
      return `${head}: ${s.variable}${s.multiple ? '[]' : ''}${role} → ${s.next.map(name).join(' | ')}`;
    })
    .join('\n');
}
