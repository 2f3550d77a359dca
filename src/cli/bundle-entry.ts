/**
 * What cli.bundle.js exports (build/bundle-cli.mjs bundles this file; cli-bundle.ts loads
 * it): the command line, and the parser's recorded grammar (the build saves it next to the
 * bundle; each start hands it to the parser before the first parse).
 */
export { parserUsesRecordedGrammar, recordGrammar, useRecordedGrammar } from '../parser/parse-module.js';
export { runCommand } from './run.js';
