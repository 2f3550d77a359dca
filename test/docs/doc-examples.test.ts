/**
 * Every example in the docs runs (issue 13 §1): the fenced blocks of README.md and
 * queries/<example>/README.md are extracted and executed, so an example cannot rot.
 *
 *   ```sql / ```epl   checked as `weir check` does (no errors), with the `create schema`
 *                     declarations of the file's earlier blocks available; when an ```ndjson
 *                     block follows directly, run with those events as `weir run` (exit 0).
 *   ```ts            type-checked (strict) and run; `from 'weir'` is the package's source.
 *   ```sh / ```bash  every command line with `npx weir` runs in bash from the repository root,
 *                     with `npx weir` the freshly bundled CLI and stdin empty; it must exit 0.
 *
 * A block that must not run (a grammar skeleton, a fragment of a larger program) carries the
 * word `fragment` after its language: ```sql fragment. Keep those rare: an example a user
 * copies should work.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkModule, parseModule } from '../../src/index.js';
import { runCli } from '../support/run-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = join(root, '.docs-test');
const bundleDir = join(root, '.docs-test', 'cli'); // two levels below the root, like dist/cli

interface Block {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly flags: readonly string[];
  readonly text: string;
}

function blocksOf(file: string): Block[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*(.*)$/.exec(lines[i] as string);
    if (open === null) continue;
    const [, indent, fence, lang, rest] = open as unknown as [string, string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      if ((lines[j] as string).trimStart().startsWith(fence)) break;
      body.push((lines[j] as string).slice(indent.length));
    }
    blocks.push({
      file,
      line: i + 1,
      lang: lang.toLowerCase(),
      flags: rest.split(/\s+/).filter(Boolean),
      text: body.join('\n'),
    });
    i = j;
  }
  return blocks;
}

const docFiles = [
  'README.md',
  ...readdirSync(join(root, 'queries'))
    .map((d) => `queries/${d}/README.md`)
    .filter((f) => {
      try {
        readFileSync(join(root, f));
        return true;
      } catch {
        return false;
      }
    }),
];
const blocks = docFiles.flatMap(blocksOf);
const runnable = (b: Block) => !b.flags.includes('fragment');
const where = (b: Block) => `${b.file}:${b.line}`;

/** The `create schema …;` items of a block, as text. */
function schemasOf(text: string): { name: string; text: string }[] {
  try {
    return parseModule(text).items.flatMap((item) =>
      item.kind === 'CreateSchema'
        ? [{ name: item.name.name, text: `${text.slice(item.span.startOffset, item.span.endOffset)};` }]
        : [],
    );
  } catch {
    return [];
  }
}

/** An EPL block with the earlier blocks' schemas (of the same file) that it does not declare itself. */
function withEarlierSchemas(block: Block): string {
  const own = new Set(schemasOf(block.text).map((s) => s.name));
  const earlier = new Map<string, string>();
  for (const b of blocks) {
    if (b.file !== block.file || b.line >= block.line || !['sql', 'epl'].includes(b.lang)) continue;
    for (const s of schemasOf(b.text)) if (!own.has(s.name)) earlier.set(s.name, s.text);
  }
  return [...earlier.values(), block.text].join('\n');
}

describe('doc examples', () => {
  it('the docs have examples to test (the extraction itself works)', () => {
    const langs = new Set(blocks.map((b) => b.lang));
    for (const lang of ['sql', 'ts', 'sh']) expect(langs, `a ${lang} block in the docs`).toContain(lang);
  });

  const epl = blocks.filter((b) => ['sql', 'epl'].includes(b.lang) && runnable(b));
  it.each(epl.map((b) => [where(b), b] as const))('EPL %s passes weir check', (_at, block) => {
    const text = withEarlierSchemas(block);
    const errors = checkModule(text).map((e) => `${e.code}: ${e.message}`);
    expect(errors, `${where(block)}:\n${text}`).toEqual([]);
  });

  const withEvents = blocks.flatMap((b, i) => {
    const next = blocks[i + 1];
    return ['sql', 'epl'].includes(b.lang) && runnable(b) && next?.lang === 'ndjson' && next.file === b.file
      ? [[b, next] as const]
      : [];
  });
  it.each(withEvents.map(([q, e]) => [where(q), q, e] as const))(
    'EPL %s runs on the events after it',
    async (_at, query, events) => {
      mkdirSync(scratch, { recursive: true });
      const q = join(scratch, `run-${query.line}.epl`);
      const ev = join(scratch, `run-${query.line}.ndjson`);
      writeFileSync(q, withEarlierSchemas(query));
      writeFileSync(ev, events.text);
      const r = await runCli(['run', q, '--events', ev, '--format', 'ndjson']);
      expect(r.code, r.stderr).toBe(0);
    },
  );

  describe('TypeScript', () => {
    const tsBlocks = blocks.filter((b) => ['ts', 'typescript'].includes(b.lang) && runnable(b));
    const fileOf = (b: Block) => join(scratch, `${b.file.replace(/[/.]/g, '_')}_${b.line}.ts`);
    beforeAll(() => {
      mkdirSync(scratch, { recursive: true });
      for (const b of tsBlocks) {
        // `weir` is this package: its source, so the test needs no build.
        const source = b.text.replace(
          /from\s+['"]weir['"]/g,
          `from ${JSON.stringify(join(root, 'src/index.js'))}`,
        );
        writeFileSync(fileOf(b), `${source}\nexport {};\n`);
      }
    });

    it('type-checks (strict, as a user project would)', () => {
      const program = ts.createProgram(tsBlocks.map(fileOf), {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        types: ['node'],
        skipLibCheck: true,
      });
      // Only the snippets' own diagnostics: checking them reads the types they use from src/,
      // without type-checking all of src/ (npm run typecheck does that).
      const problems = tsBlocks
        .map((b) => program.getSourceFile(fileOf(b)) as ts.SourceFile)
        .flatMap((file) => [
          ...program.getSyntacticDiagnostics(file),
          ...program.getSemanticDiagnostics(file),
        ])
        .map((d) => {
          const { line } = (d.file as ts.SourceFile).getLineAndCharacterOfPosition(d.start ?? 0);
          return `${d.file?.fileName}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
        });
      expect(problems).toEqual([]);
    }, 120_000);

    it.each(tsBlocks.map((b) => [where(b), b] as const))('%s runs to the end', async (_at, block) => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      try {
        const finished = import(pathToFileURL(fileOf(block)).href);
        const timeout = new Promise((_, fail) =>
          setTimeout(() => fail(new Error(`${where(block)} did not finish in 10 s`)), 10_000),
        );
        await Promise.race([finished, timeout]);
      } finally {
        log.mockRestore();
        warn.mockRestore();
      }
    });
  });

  describe('shell commands', () => {
    const commands = blocks
      .filter((b) => ['sh', 'bash', 'shell', 'console'].includes(b.lang) && runnable(b))
      .flatMap((b) => {
        // A line ending in `\` continues on the next (reported at its first line).
        const commands: (readonly [string, string])[] = [];
        const lines = b.text.split('\n');
        for (let i = 0; i < lines.length; i++) {
          const first = i;
          let joined = lines[i] as string;
          while (joined.endsWith('\\') && i + 1 < lines.length)
            joined = `${joined.slice(0, -1)} ${lines[++i]}`;
          const command = joined.replace(/(^|\s)#.*$/, '').trim();
          if (!command.includes('npx weir')) continue;
          // `npm ci && npx weir run`: the install is the test run's own; run the weir part.
          const before = command.slice(0, command.indexOf('npx weir')).trimEnd();
          const run = before.endsWith('|') ? command : command.slice(command.indexOf('npx weir'));
          commands.push([`${b.file}:${b.line + 1 + first}`, run] as const);
        }
        return commands;
      });

    beforeAll(() => {
      execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { bundleCli } from './build/bundle-cli.mjs'; await bundleCli(${JSON.stringify(bundleDir)});`,
        ],
        { cwd: root },
      );
    }, 60_000);

    it.each(commands)('%s: %s', (_at, command) => {
      const r = spawnSync(
        'bash',
        ['-c', command.replaceAll('npx weir', `node ${JSON.stringify(join(bundleDir, 'main.js'))}`)],
        {
          cwd: root,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: 30_000,
        },
      );
      expect(r.status, `${command}\n${r.stderr}`).toBe(0);
    });
  });

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
});
