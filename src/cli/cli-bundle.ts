/**
 * How the built `weir` bin loads the command line fast: `npm run build` bundles it
 * (build/bundle-cli.mjs) into one script, `cli.bundle.js` next to main.js, and runs it once
 * to save V8's code cache of it (`cli.bundle.js.cache`: the bytecode of every function the
 * run compiled). A start then compiles the script with that cache (node:vm `cachedData`)
 * instead of parsing it and compiling each function the first time it is called: about
 * 30 ms less CPU per start (bench/startup.ts). Node 20 has no code cache for ES modules,
 * hence a script.
 *
 * The script is one function expression, (exports, require, module, __filename, __dirname,
 * importMetaUrl) => void, whose body is the CommonJS bundle of run.ts; its `import.meta.url`
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
import { constants, Script } from 'node:vm';
import type { runCommand } from './run.js';

export type RunCommand = typeof runCommand;

/** The bundle's file name, next to main.js. */
export const CLI_BUNDLE = 'cli.bundle.js';
const CACHE_SUFFIX = '.cache';

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
  readonly runCommand: RunCommand;
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
  const module = { exports: {} as { runCommand?: RunCommand } };
  const run = script.runInThisContext() as BundleFunction;
  run(module.exports, createRequire(path), module, path, fileURLToPath(dir), url.href);
  const loaded = module.exports.runCommand;
  if (typeof loaded !== 'function') throw new Error(`${path} does not export runCommand`);
  return { runCommand: loaded, script, path };
}

/** runCommand: from the bundle next to main.js when there is one, else the module run.js. */
export async function loadRunCommand(dir: URL): Promise<RunCommand> {
  const bundle = compileBundle(dir);
  return bundle?.runCommand ?? (await import('./run.js')).runCommand;
}

/**
 * The build's step: compiles the bundle in `dir`, runs `warm` with its runCommand (so the
 * functions a start runs are compiled), then writes the code cache. Answers its size.
 */
export async function writeCodeCache(dir: URL, warm: (run: RunCommand) => Promise<void>): Promise<number> {
  const bundle = compileBundle(dir);
  if (bundle === undefined) throw new Error(`no ${CLI_BUNDLE} in ${fileURLToPath(dir)}`);
  await warm(bundle.runCommand);
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
