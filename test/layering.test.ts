/**
 * The source folders form layers (DESIGN.md §7): a file may import its own folder and the
 * folders of lower layers, never a higher layer or a folder of its own layer, and no chain of
 * imports may come back to where it started. Type-only imports count: a type is a dependency
 * too. A new folder must be given its layer here before anything in it can land.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Lowest first. Folders in one entry are independent of each other. */
const LAYERS: readonly (readonly string[])[] = [
  ['common'],
  ['functions', 'aggregates'],
  // Bound expressions, compiled expressions, the evaluation frame.
  ['expr'],
  ['ast'],
  ['parser', 'windows', 'variables'],
  ['patterns'],
  // Typed statements and logical plans.
  ['plan'],
  ['analyzer', 'optimizer'],
  ['operators'],
  // Named windows and tables (stores, indexes, on-triggers), then context controllers.
  ['infra'],
  ['contexts'],
  ['physical'],
  ['runtime'],
  ['io'],
  ['connectors'],
  ['serve'],
  ['cli'],
  // src/index.ts, the public API.
  ['(index)'],
];

const SRC = resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** `import … from './x.js'`, `export … from`, `import './x.js'`, `import('./x.js')`. */
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const targets: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    targets.push(resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts')));
  }
  return targets;
}

function folderOf(file: string): string {
  const rel = relative(SRC, file);
  return rel.includes('/') ? (rel.split('/')[0] as string) : '(index)';
}

const rank = new Map<string, number>();
LAYERS.forEach((folders, i) => {
  for (const f of folders) rank.set(f, i);
});

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('import layering', () => {
  it('every source folder has a layer', () => {
    const unknown = [...new Set(files.map(folderOf))].filter((f) => !rank.has(f));
    expect(unknown, 'add these folders to LAYERS in test/layering.test.ts').toEqual([]);
  });

  it('imports go only to the same folder or a lower layer', () => {
    const violations: string[] = [];
    for (const [file, targets] of graph) {
      const from = folderOf(file);
      for (const target of targets) {
        const to = folderOf(target);
        if (to === from) continue;
        const a = rank.get(from);
        const b = rank.get(to);
        if (a === undefined || b === undefined || b < a) continue;
        const how = b === a ? 'a folder of the same layer' : 'a higher layer';
        violations.push(`src/${relative(SRC, file)} imports ${how}: src/${relative(SRC, target)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('no import cycle between files', () => {
    expect(findCycle(graph)).toBeUndefined();
  });

  it('finds a cycle and an upward import when there is one', () => {
    const a = join(SRC, 'plan/a.ts');
    const b = join(SRC, 'plan/b.ts');
    expect(
      findCycle(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
    ).toEqual(['src/plan/a.ts', 'src/plan/b.ts', 'src/plan/a.ts']);
    expect(rank.get(folderOf(join(SRC, 'plan/x.ts')))).toBeLessThan(
      rank.get(folderOf(join(SRC, 'physical/x.ts'))) as number,
    );
  });
});

/** The first cycle found by depth-first search, as a path of files; undefined without one. */
function findCycle(g: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    const s = state.get(file);
    if (s === 'done') return undefined;
    if (s === 'open')
      return [...stack.slice(stack.indexOf(file)), file].map((f) => `src/${relative(SRC, f)}`);
    state.set(file, 'open');
    stack.push(file);
    for (const target of g.get(file) ?? []) {
      const cycle = visit(target);
      if (cycle !== undefined) return cycle;
    }
    stack.pop();
    state.set(file, 'done');
    return undefined;
  };
  for (const file of g.keys()) {
    const cycle = visit(file);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}
