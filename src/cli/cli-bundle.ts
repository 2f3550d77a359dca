/**
 * How the built `weir` bin loads the command line fast: `npm run build` bundles it
 * (build/bundle-cli.mjs) into one script, `cli.bundle.js` next to main.js, and runs it once
 * to save V8's code cache of it (`cli.bundle.js.cache`: the bytecode of every function the
 * run compiled). A start then compiles the script with that cache (node:vm `cachedData`)
 * instead of parsing it and compiling each function the first time it is called: about
 * 30 ms less CPU per start (bench/startup.ts). Node 20 has no code cache for ES modules,
 * hence a script. The same build run records the parser's grammar (grammar.json, see
 * parser/recorded-grammar.ts), which each start hands to the parser before its first parse
 * instead of recording the grammar again.
 *
 * The script is one function expression, (exports, require, module, __filename, __dirname,
 * importMetaUrl) => void, whose body is the CommonJS bundle of bundle-entry.ts; its `import.meta.url`
 * reads `importMetaUrl`, the script's own URL (main.js's directory, so every path relative
 * to it resolves as in the ES module build).
 *
 * The bundle has no `import()` (a script compiled from a cache has no loader for it on Node
 * 20; the build checks): its packages are CommonJS, loaded with `require`.
 *
 * V8 checks a cache before using it (its version, flags and the script's length) and
 * compiles the script as usual when it does not fit (another Node version, say): the cache
 * changes how fast the bin starts, never what it does. Without the script (the sources run
 * through tsx, or tsc's unbundled output), the bin imports run.js as any module.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import type * as Entry from './bundle-entry.js';

export type RunCommand = typeof Entry.runCommand;

/** What the bundle exports (bundle-entry.ts). */
type BundleExports = typeof Entry;

/** The bundle's file name, next to main.js. */
export const CLI_BUNDLE = 'cli.bundle.js';
const CACHE_SUFFIX = '.cache';
/** The parser's grammar as the build recorded it (parser/recorded-grammar.ts), next to the bundle. */
const GRAMMAR = 'grammar.json';

type BundleFunction = (
  exports: object,
  require: NodeJS.Require,
  module: { exports: object },
  filename: string,
  dirname: string,
  importMetaUrl: string,
) => void;

function readOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

interface CompiledBundle {
  readonly exports: BundleExports;
  readonly script: Script;
  readonly path: string;
}

/** The bundle's script, compiled with `cachedData` when given. */
function scriptOf(path: string, source: Buffer, cachedData: Buffer | undefined): Script {
  return new Script(source.toString('utf8'), {
    filename: path,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
}

/** The bundle in `dir` compiled (with its code cache when there is one) and run; undefined when there is none. */
function compileBundle(dir: URL): CompiledBundle | undefined {
  const url = new URL(CLI_BUNDLE, dir);
  const path = fileURLToPath(url);
  const source = readOrUndefined(path);
  if (source === undefined) return undefined;
  const script = scriptOf(path, source, readOrUndefined(path + CACHE_SUFFIX));
  const module = { exports: {} as Partial<BundleExports> };
  const run = script.runInThisContext() as BundleFunction;
  run(module.exports, createRequire(path), module, path, fileURLToPath(dir), url.href);
  if (typeof module.exports.runCommand !== 'function') throw new Error(`${path} does not export runCommand`);
  return { exports: module.exports as BundleExports, script, path };
}

type RecordedGrammar = ReturnType<BundleExports['recordGrammar']>;

/** The recorded grammar next to the bundle, when there is one that parses. */
function recordedGrammar(dir: URL): RecordedGrammar | undefined {
  const bytes = readOrUndefined(fileURLToPath(new URL(GRAMMAR, dir)));
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as RecordedGrammar;
  } catch {
    return undefined; // only costs the recording
  }
}

/** runCommand: from the bundle next to main.js when there is one, else the module run.js. */
export async function loadRunCommand(dir: URL): Promise<RunCommand> {
  const bundle = compileBundle(dir);
  if (bundle === undefined) return (await import('./run.js')).runCommand;
  const grammar = recordedGrammar(dir);
  if (grammar !== undefined) bundle.exports.useRecordedGrammar(grammar);
  return bundle.exports.runCommand;
}

/**
 * The build's step: compiles the bundle in `dir`, records the parser's grammar into
 * grammar.json, runs `warm` with its runCommand (so the functions a start runs, the rebuild
 * of the recorded grammar included, are compiled), then writes the code cache. Answers its
 * size. Throws when the parser did not take the recorded grammar.
 */
export async function writeCodeCache(dir: URL, warm: (run: RunCommand) => Promise<void>): Promise<number> {
  const bundle = compileBundle(dir);
  if (bundle === undefined) throw new Error(`no ${CLI_BUNDLE} in ${fileURLToPath(dir)}`);
  const grammar = bundle.exports.recordGrammar();
  writeFileSync(fileURLToPath(new URL(GRAMMAR, dir)), JSON.stringify(grammar));
  // The data as a start reads it (through JSON).
  bundle.exports.useRecordedGrammar(recordedGrammar(dir) as RecordedGrammar);
  await warm(bundle.exports.runCommand);
  if (!bundle.exports.parserUsesRecordedGrammar())
    throw new Error('the parser did not take the recorded grammar (parser/recorded-grammar.ts)');
  const data = bundle.script.createCachedData();
  writeFileSync(bundle.path + CACHE_SUFFIX, data);
  return data.length;
}

/** Whether V8 takes the code cache in `dir` (false: there is none, or V8 rejected it). */
export function codeCacheAccepted(dir: URL): boolean {
  const path = fileURLToPath(new URL(CLI_BUNDLE, dir));
  const source = readOrUndefined(path);
  const cachedData = readOrUndefined(path + CACHE_SUFFIX);
  if (source === undefined || cachedData === undefined) return false;
  return !scriptOf(path, source, cachedData).cachedDataRejected;
}
