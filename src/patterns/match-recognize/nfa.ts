/**
 * Row pattern → NFA (Thompson construction). States either consume one row for a variable,
 * split by epsilon moves in preference order (greedy quantifiers try another iteration
 * first, reluctant ones try leaving first), or accept. `{n,m}` expands into n mandatory
 * copies and m − n optional ones (a loop when unbounded).
 */
import type { Quantifier, RowPattern } from '../../ast/ast.js';
import { assertNever } from '../../common/assert-never.js';

export type NfaState =
  | { readonly kind: 'var'; readonly variable: string; next: number }
  | { readonly kind: 'split'; next: number[] }
  | { readonly kind: 'accept' };

export interface Nfa {
  readonly states: readonly NfaState[];
  readonly start: number;
  readonly variables: readonly string[];
}

interface Fragment {
  start: number;
  /** States whose `next` must be patched to what follows the fragment. */
  readonly outs: { state: number; slot: number | 'next' }[];
}

class Builder {
  readonly states: NfaState[] = [];
  readonly variables = new Set<string>();

  add(state: NfaState): number {
    this.states.push(state);
    return this.states.length - 1;
  }

  patch(outs: Fragment['outs'], target: number): void {
    for (const o of outs) {
      const s = this.states[o.state] as NfaState;
      if (s.kind === 'var') s.next = target;
      else if (s.kind === 'split' && typeof o.slot === 'number') s.next[o.slot] = target;
    }
  }

  /** An epsilon state that just forwards to what follows. */
  empty(): Fragment {
    const s = this.add({ kind: 'split', next: [-1] });
    return { start: s, outs: [{ state: s, slot: 0 }] };
  }

  build(p: RowPattern): Fragment {
    switch (p.kind) {
      case 'RowVar': {
        this.variables.add(p.name.name);
        return this.quantify(() => {
          const s = this.add({ kind: 'var', variable: p.name.name, next: -1 });
          return { start: s, outs: [{ state: s, slot: 'next' }] };
        }, p.quantifier);
      }
      case 'RowGroup':
        return this.quantify(() => this.build(p.child), p.quantifier);
      case 'RowConcat': {
        const parts = p.items.map((i) => this.build(i));
        for (let i = 0; i + 1 < parts.length; i++)
          this.patch((parts[i] as Fragment).outs, (parts[i + 1] as Fragment).start);
        return { start: (parts[0] as Fragment).start, outs: (parts[parts.length - 1] as Fragment).outs };
      }
      case 'RowAlt': {
        const parts = p.alternatives.map((a) => this.build(a));
        const s = this.add({ kind: 'split', next: parts.map((f) => f.start) });
        return { start: s, outs: parts.flatMap((f) => f.outs) };
      }
      default:
        return assertNever(p, 'row pattern');
    }
  }

  private optional(make: () => Fragment, reluctant: boolean): Fragment {
    const f = make();
    const s = this.add({ kind: 'split', next: reluctant ? [-1, f.start] : [f.start, -1] });
    return { start: s, outs: [...f.outs, { state: s, slot: reluctant ? 0 : 1 }] };
  }

  private star(make: () => Fragment, reluctant: boolean): Fragment {
    const f = make();
    const s = this.add({ kind: 'split', next: reluctant ? [-1, f.start] : [f.start, -1] });
    this.patch(f.outs, s);
    return { start: s, outs: [{ state: s, slot: reluctant ? 0 : 1 }] };
  }

  private quantify(make: () => Fragment, q: Quantifier | undefined): Fragment {
    if (q === undefined) return make();
    const parts: Fragment[] = [];
    for (let i = 0; i < q.min; i++) parts.push(make());
    if (q.max === Number.POSITIVE_INFINITY) parts.push(this.star(make, q.reluctant));
    else for (let i = q.min; i < q.max; i++) parts.push(this.optional(make, q.reluctant));
    if (parts.length === 0) return this.empty();
    for (let i = 0; i + 1 < parts.length; i++)
      this.patch((parts[i] as Fragment).outs, (parts[i + 1] as Fragment).start);
    return { start: (parts[0] as Fragment).start, outs: (parts[parts.length - 1] as Fragment).outs };
  }
}

export function compileRowPattern(pattern: RowPattern): Nfa {
  const b = new Builder();
  const f = b.build(pattern);
  const accept = b.add({ kind: 'accept' });
  b.patch(f.outs, accept);
  return { states: b.states, start: f.start, variables: [...b.variables] };
}

/** The states reachable from `from` by epsilon moves, in preference order (var and accept states only). */
export function closure(nfa: Nfa, from: number): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  const visit = (i: number) => {
    if (i < 0 || seen.has(i)) return;
    seen.add(i);
    const s = nfa.states[i] as NfaState;
    if (s.kind === 'split') for (const n of s.next) visit(n);
    else out.push(i);
  };
  visit(from);
  return out;
}

export function describeNfa(nfa: Nfa): string {
  return nfa.states
    .map((s, i) => {
      const head = `${i === nfa.start ? '→' : ' '}s${i}`;
      if (s.kind === 'var') return `${head}: ${s.variable} → s${s.next}`;
      if (s.kind === 'split') return `${head}: ε → ${s.next.map((n) => `s${n}`).join(' | ')}`;
      return `${head}: accept`;
    })
    .join('\n');
}
